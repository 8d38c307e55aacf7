"""What a Dask worker runs for one task, and how many of a run's starts were cut short.

Dask re-executes a task by itself, without asking the executor: when its worker died
while it ran or waited there, and when its finished result was lost with a worker before
the supervisor fetched it. Dask also blames every task a dying worker held, even those
only waiting on it. So each run directory carries a small record, `.enchanted_attempts`,
of one submission's history (`lineage`: the executor keeps it across its own
resubmissions; a retry by the supervisor starts a new one):

* a re-execution within the same lineage finds the earlier attempt's files and, if this
  function created the directory, cleans it first so old and new files do not mix;
* when Dask gives up on a task (KilledWorker), starts minus finishes tells the executor
  whether the run really was executing when the workers died.

Kept apart from the executor so workers import nothing of dask's configuration side.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import traceback
from typing import Any

from enchanted_surrogates.executors.worker import run_task
from enchanted_surrogates.runs.status import Status
from enchanted_surrogates.runs.task import RunResult, Task

ATTEMPTS = ".enchanted_attempts"


def _record(run_dir: str) -> dict[str, Any]:
    try:
        with open(os.path.join(run_dir, ATTEMPTS)) as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return {}


def _write(run_dir: str, record: dict[str, Any]) -> None:
    with open(os.path.join(run_dir, ATTEMPTS), "w") as handle:
        json.dump(record, handle)


def interrupted_starts(run_dir: str, lineage: str) -> int:
    """How often this lineage's run started in `run_dir` without finishing."""
    record = _record(run_dir)
    if record.get("lineage") != lineage:
        return 0
    return int(record["starts"]) - int(record["finished"])


def pack(task: Task) -> bytes:
    """The form a task travels in to `run_on_worker` (see there why pickled)."""
    return pickle.dumps(task, protocol=pickle.HIGHEST_PROTOCOL)


def run_on_worker(packed: bytes, run_id: str, lineage: str) -> RunResult:
    """Unpack and run one task. The task travels pickled so that a runner whose module
    cannot be imported on the worker fails this run, not the worker's connection to the
    scheduler (Dask would otherwise fail to decode the message and hang)."""
    try:
        task = pickle.loads(packed)
    except Exception as exc:
        return RunResult(
            run_id,
            Status.FAILED,
            error=f"the runner cannot be loaded on this worker: {type(exc).__name__}: {exc}",
            traceback=traceback.format_exc(),
        )
    return _run(task, lineage)


def _run(task: Task, lineage: str) -> RunResult:
    record = _record(task.run_dir)
    if record.get("lineage") == lineage:
        if record["created"]:
            shutil.rmtree(task.run_dir, ignore_errors=True)
            os.makedirs(task.run_dir, exist_ok=True)
    else:
        created = not os.path.isdir(task.run_dir)
        os.makedirs(task.run_dir, exist_ok=True)
        record = {"lineage": lineage, "starts": 0, "finished": 0, "created": created}
    record["starts"] += 1
    _write(task.run_dir, record)
    result = run_task(task)
    record["finished"] += 1
    # only where the record survived: a runner may remove its own directory, and
    # save_files may have pruned it (no record means no interrupted start: a lost result
    # is then simply run again, never blamed as a crash)
    if os.path.exists(os.path.join(task.run_dir, ATTEMPTS)):
        _write(task.run_dir, record)
    return result


def executing_keys(dask_worker: Any) -> list[str]:
    """Keys of the tasks this worker is executing now (not those queued on it); run on
    every worker through `Client.run` to tell running runs from waiting ones."""
    state = dask_worker.state
    return [str(ts.key) for ts in (*state.executing, *state.long_running)]
