"""What travels to a worker (`Task`) and what comes back (`RunResult`).

Both are plain picklable dataclasses so any executor (process pool, Dask) can carry them.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from typing import Any

from enchanted_surrogates.runners.checks import Checks
from enchanted_surrogates.runs.status import Status
from enchanted_surrogates.storage.run_files import FilePolicy


@dataclass(frozen=True)
class RunnerSpec:
    """How to build a runner on a worker: the class and its validated keyword arguments.

    `key` identifies the built object in the per-process cache, so a `reusable` runner is
    built once per worker process, not once per task.
    """

    name: str
    cls: type
    kwargs: dict[str, Any]
    key: str
    timeout: float | None = None
    memory_limit: float | None = None  # megabytes
    checks: Checks | None = None
    secrets: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class Task:
    """One run of one runner at one point."""

    run_id: str
    run_dir: str
    params: dict[str, Any]
    runner: RunnerSpec
    level: int = 0
    stage: int = 0
    index: int = 0  # the point's index within its level
    parent: int = 0  # the parent row's index (0 at the first level)
    attempt: int = 1
    write_datapoint: bool = True
    files: FilePolicy | None = None  # save_files / local_storage; None keeps all in place
    # whether a later stage or level may read this run's files, so they must stay whole
    read_later_if_success: bool = False
    read_later_if_failure: bool = False


@dataclass
class RunResult:
    """The outcome of a task: outputs plus how and why it ended."""

    run_id: str
    status: Status
    outputs: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    traceback: str = ""
    runtime_sec: float = 0.0
    cpu_sec: float | None = None  # the run's process tree; None where nobody measured it
    max_rss_mb: float | None = None
    started_at: float = 0.0
    ended_at: float = 0.0
    abort: bool = False  # the runner raised AbortCampaign
    disk_full: bool = False  # it failed for want of disk space: redo it, do not record it
    job_accounting: dict[str, Any] = field(default_factory=dict)  # the scheduler's, per job
    notes: list[str] = field(default_factory=list)  # warnings for the user about this run

    @property
    def success(self) -> bool:
        return self.status is Status.SUCCESS


def runner_key(cls: type, kwargs: dict[str, Any]) -> str:
    """Identifies a built runner in a worker's cache: same class and keys, same object."""
    text = json.dumps([cls.__module__, cls.__qualname__, kwargs], sort_keys=True, default=str)
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def make_task(
    runner: type, params: dict[str, Any], run_dir: str, run_id: str | None = None, **kwargs: Any
) -> Task:
    """A Task for your own loop: `runner` is a Runner class built from `kwargs` on the worker
    (per run, or once per worker process if it is `reusable`); `run_id` defaults to the run
    dir's name."""
    spec = RunnerSpec(
        name=runner.__name__, cls=runner, kwargs=kwargs, key=runner_key(runner, kwargs)
    )
    return Task(
        run_id=run_id or os.path.basename(os.path.normpath(run_dir)),
        run_dir=str(run_dir),
        params=dict(params),
        runner=spec,
    )
