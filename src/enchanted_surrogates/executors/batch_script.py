"""Rendering the user's job-script template, for one run or for a job array of runs.

A single job gets the run's values pasted into the placeholders. An array job is one
script for many runs: each task finds its run directory in the array's `manifest` (line
N for the task of index N), so in the script body the placeholders become shell
variables set from it. `#SBATCH`/`#PBS` lines are read by the scheduler before anything
runs, so there `{batch_dir}` becomes `<array dir>/<index pattern>`, a symlink the
executor made to that task's own batch dir; `{run_dir}` and `{run_id}` cannot be per
task there, and a template that puts them in its option lines is not sent as arrays.
"""

from __future__ import annotations

import shlex
from pathlib import Path

MANIFEST = "manifest"
PER_RUN = ("{run_dir}", "{run_id}")


def _split(template: str) -> tuple[list[str], list[str]]:
    """(the leading comment and option lines, the rest): only after the former may the
    script run commands, or the scheduler stops reading its options."""
    lines = template.splitlines()
    head = 0
    while head < len(lines) and (not lines[head].strip() or lines[head].lstrip().startswith("#")):
        head += 1
    return lines[:head], lines[head:]


def _fill(text: str, values: dict[str, str]) -> str:
    for placeholder, value in values.items():  # plain replacement: shell ${...} stays
        text = text.replace(placeholder, value)
    return text


def arrays_possible(template: str, directive: str) -> bool:
    """Can this template run as an array (no per-run placeholder in its option lines)?"""
    head, _ = _split(template)
    options = [line for line in head if line.lstrip().startswith(directive)]
    return not any(key in line for line in options for key in PER_RUN)


def render_single(
    template: str, command: list[str], run_dir: str, run_id: str, job_name: str, folder: Path
) -> str:
    """The job script of one run: the template with this run's values."""
    head, body = _split(template)
    values = {
        "{command}": shlex.join([*command, str(folder)]),
        "{run_dir}": run_dir,
        "{run_id}": run_id,
        "{job_name}": job_name,
        "{batch_dir}": str(folder),
    }
    prelude = [f"cd {shlex.quote(run_dir)} || exit 1"]
    return "\n".join(_fill("\n".join(part), values) for part in (head, prelude, body)) + "\n"


def render_array(
    template: str,
    command: list[str],
    job_name: str,
    array_dir: Path,
    index_var: str,
    index_pattern: str,
) -> str:
    """The one job script of an array whose task N runs line N of `array_dir/manifest`."""
    head, body = _split(template)
    manifest = shlex.quote(str(array_dir / MANIFEST))
    prelude = [
        f'ES_RUN_DIR=$(sed -n "$((${index_var} + 1))p" {manifest})',
        'ES_RUN_ID=$(basename "$ES_RUN_DIR")',
        'ES_BATCH_DIR=$(dirname "$ES_RUN_DIR")/.batch/$ES_RUN_ID',
        'cd "$ES_RUN_DIR" || exit 1',
    ]
    head_values = {"{job_name}": job_name, "{batch_dir}": str(array_dir / index_pattern)}
    body_values = {
        "{command}": shlex.join(command) + ' "$ES_BATCH_DIR"',
        "{run_dir}": "${ES_RUN_DIR}",
        "{run_id}": "${ES_RUN_ID}",
        "{job_name}": job_name,
        "{batch_dir}": "${ES_BATCH_DIR}",
    }
    return (
        "\n".join(
            [_fill("\n".join(head), head_values), *prelude, _fill("\n".join(body), body_values)]
        )
        + "\n"
    )
