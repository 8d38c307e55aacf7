"""The command that continues *this* campaign, to print when one stops early.

`enchanted run CONFIG --resume` alone would lose a `--base-run-dir` (a fresh campaign in
the config's directory) and `--secrets` (runs fail without them); both are kept.
"""

from __future__ import annotations

import shlex


def resume_command(config: str, base_run_dir: str | None, secrets: str | None) -> str:
    """`enchanted run CONFIG --resume` with the options that located this campaign."""
    words = ["enchanted", "run", str(config)]
    if base_run_dir:
        words += ["--base-run-dir", str(base_run_dir)]
    if secrets:
        words += ["--secrets", str(secrets)]
    return " ".join(shlex.quote(word) for word in words) + " --resume"


def retry_hint(how: str, failures: int) -> str:
    """The end of the stop line offering `--retry-failed`, when failures were recorded: on
    the same line, so the cause, the resume command and the retry stay one message."""
    if not failures:
        return ""
    if how.startswith("enchanted "):
        again = f"{how} --retry-failed"
    else:  # the Python form: run(config, run_mode='resume')
        again = how.replace("run_mode='resume'", "run_mode='resume', retry_failed=True")
    return f"; to run its {failures} failed run(s) again as well: {again}"
