"""What a Dask worker runs for one task.

Dask reschedules a task whose worker died on another worker by itself, without asking
the executor; whatever the interrupted attempt left in the run directory would mix with
the new attempt's files. So a run directory this function created is marked while the
run is in progress, and a marked one found at the start is an interrupted attempt's, to
be cleaned. A directory that existed before (prepared by the caller) is never cleaned.
Kept apart from the executor so workers import nothing of dask's configuration side.
"""

from __future__ import annotations

import contextlib
import os
import shutil

from enchanted_surrogates.executors.worker import run_task
from enchanted_surrogates.task import RunResult, Task

IN_PROGRESS = ".enchanted_in_progress"


def run_on_worker(task: Task) -> RunResult:
    marker = os.path.join(task.run_dir, IN_PROGRESS)
    if os.path.exists(marker):
        shutil.rmtree(task.run_dir, ignore_errors=True)
    try:
        os.makedirs(task.run_dir)
    except FileExistsError:
        return run_task(task)
    with open(marker, "w"):
        pass
    result = run_task(task)
    with contextlib.suppress(OSError):
        os.remove(marker)
    return result
