"""What a Dask worker runs for one task, and how many times a run was cut short.

Dask reschedules a task whose worker died by itself, without asking the executor, and
blames every task the worker held, even those only queued on it. So a run directory this
function created holds a small marker while the run is in progress, counting its starts:

* a marked directory found at the start is an interrupted attempt's, and is cleaned so
  its files do not mix with the new attempt's;
* when Dask gives up on a task (KilledWorker), the count tells the executor whether the
  run really was executing when workers died, or was only queued behind one that was.

A directory that existed before (prepared by the caller) is never cleaned nor marked.
Kept apart from the executor so workers import nothing of dask's configuration side.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from typing import Any

from enchanted_surrogates.executors.worker import run_task
from enchanted_surrogates.task import RunResult, Task

IN_PROGRESS = ".enchanted_in_progress"


def interrupted_starts(run_dir: str) -> int | None:
    """How often the run in `run_dir` started without finishing: 0 if it never started,
    None if that cannot be told (a directory the caller prepared)."""
    if not os.path.isdir(run_dir):
        return 0
    try:
        with open(os.path.join(run_dir, IN_PROGRESS)) as handle:
            return int(handle.read() or 0)
    except (OSError, ValueError):
        return None


def run_on_worker(task: Task) -> RunResult:
    starts = interrupted_starts(task.run_dir)
    if starts:
        shutil.rmtree(task.run_dir, ignore_errors=True)
    try:
        os.makedirs(task.run_dir)
    except FileExistsError:
        return run_task(task)
    marker = os.path.join(task.run_dir, IN_PROGRESS)
    with open(marker, "w") as handle:
        handle.write(str((starts or 0) + 1))
    result = run_task(task)
    with contextlib.suppress(OSError):
        os.remove(marker)
    return result


def executing_keys(dask_worker: Any) -> list[str]:
    """Keys of the tasks this worker is executing now (not those queued on it); run on
    every worker through `Client.run` to tell running runs from waiting ones."""
    state = dask_worker.state
    return [str(ts.key) for ts in (*state.executing, *state.long_running)]
