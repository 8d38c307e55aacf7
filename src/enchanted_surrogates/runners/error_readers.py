"""Why a program failed, in its own words: codes print errors on stdout or into files.

Compiled codes often write their error to stdout (or a file such as `CRASH`) while MPI adds
banners to stderr, so the end of stderr is a poor `error` cell. `errors:` entries of a
`CommandRunner` name regexes that pick the message; without a match, the last meaningful
lines of stderr (without an MPI launcher's own report) are used, then those of stdout.
"""

from __future__ import annotations

import os
import re
from typing import Any

from pydantic import ConfigDict, Field, field_validator

from enchanted_surrogates.parsers.files import STDERR_FILE, STDOUT_FILE, SourceConfig
from enchanted_surrogates.runners.launcher_noise import without_launcher_noise

MESSAGE_LINES = 10
MESSAGE_CHARS = 2000
# A line of only rules, stars or blanks (banners, table borders) says nothing.
MEANINGLESS = re.compile(r"^[\s\W_]*$")


class ErrorReaderConfig(SourceConfig):
    """An `errors:` entry: lines matching `pattern` in stdout, stderr or a file."""

    model_config = ConfigDict(extra="forbid", title="ErrorReader")

    pattern: str = Field(
        description="a Python regular expression; each matching line (or its first group) "
        "is the message, e.g. '^ *ERROR:.*'. A match also fails a run that exited with 0."
    )

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, pattern: str) -> str:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from None
        return pattern


class ErrorReader:
    """Finds a program's own error message in one of its text outputs."""

    def __init__(self, **kwargs: Any) -> None:
        cfg = ErrorReaderConfig(**kwargs)
        self.file = cfg.file_name()
        self.pattern = re.compile(cfg.pattern, re.MULTILINE)

    def message(self, run_dir: str) -> str | None:
        """The matching lines (the last few), or None when nothing matches."""
        text = _read(os.path.join(run_dir, self.file))
        found = [
            (match.group(1) if self.pattern.groups else match.group(0)).strip()
            for match in self.pattern.finditer(text)
        ]
        found = [line for line in dict.fromkeys(found) if line]
        return _shorten(found[-MESSAGE_LINES:]) if found else None


def _read(path: str) -> str:
    if not os.path.isfile(path):
        return ""
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.read()


def _shorten(lines: list[str]) -> str:
    text = "\n".join(lines)
    return text if len(text) <= MESSAGE_CHARS else "..." + text[-MESSAGE_CHARS:]


def meaningful_tail(text: str, count: int = MESSAGE_LINES) -> str:
    """The last `count` lines that carry words, not rules or blank lines."""
    lines = [line.rstrip() for line in text.splitlines() if not MEANINGLESS.match(line)]
    return _shorten(lines[-count:])


def declared_error(run_dir: str, readers: list[ErrorReader]) -> str | None:
    """The message of the first reader that matches, or None."""
    for reader in readers:
        message = reader.message(run_dir)
        if message:
            return message
    return None


def failure_message(run_dir: str, readers: list[ErrorReader]) -> str:
    """The best explanation of a failed run: a declared error, else stderr, else stdout."""
    declared = declared_error(run_dir, readers)
    if declared:
        return declared
    stderr = meaningful_tail(without_launcher_noise(_read(os.path.join(run_dir, STDERR_FILE))))
    if stderr:
        return stderr
    stdout = meaningful_tail(_read(os.path.join(run_dir, STDOUT_FILE)))
    if stdout:
        return f"(stdout) {stdout}"
    return "(stderr and stdout are empty)"
