"""Dask worker resources so a run declaring N cores takes N cores of one worker.

Workers declare `resources={"cores": C}` (our LocalCluster does so by default with its
threads per worker; dask-jobqueue workers with `worker_extra_args: ["--resources",
"cores=C"]`). Every run then asks for the cores its runner declares (1 without a
launcher), so a worker never runs more declared cores at once than it has. A run that
declares more than the largest worker has asks for the whole worker and runs alone.
Where no worker declares cores, runs ask for nothing and Dask places them by threads.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

from enchanted_surrogates.executors.dask_config import DaskExecutorConfig
from enchanted_surrogates.runners.launchers import declared_cores
from enchanted_surrogates.runs.task import Task

CORES = "cores"


def with_default_cores(local_kwargs: dict[str, Any]) -> dict[str, Any]:
    """LocalCluster keys with `resources: {cores: threads_per_worker}` unless given."""
    if "resources" in local_kwargs:
        return local_kwargs
    threads = int(local_kwargs.get("threads_per_worker") or 1)
    return {**local_kwargs, "resources": {CORES: threads}}


def _extra_args_cores(args: Iterable[str]) -> float:
    """The `cores=C` of a `--resources` worker argument (`--resources cores=4,GPU=1`)."""
    words = " ".join(args).replace("--resources=", "--resources ").split()
    for before, value in itertools.pairwise(words):
        if before == "--resources":
            for item in value.split(","):
                name, _, amount = item.partition("=")
                if name == CORES:
                    return float(amount)
    return 0.0


def configured_cores(config: DaskExecutorConfig, local_kwargs: dict[str, Any]) -> float:
    """Cores each worker of the configured cluster declares (0: they declare none)."""
    if config.scheduler_address is not None:
        return 0.0
    jobqueue = config.jobqueue_kwargs()
    if jobqueue is None:
        return float((local_kwargs.get("resources") or {}).get(CORES, 0))
    return _extra_args_cores(jobqueue.get("worker_extra_args") or [])


def connected_cores(workers: Iterable[dict[str, Any]]) -> float:
    """The largest `cores` resource among connected workers (from scheduler_info)."""
    return max((float((w.get("resources") or {}).get(CORES, 0)) for w in workers), default=0.0)


def run_resources(task: Task, worker_cores: float) -> dict[str, float] | None:
    """What `task` asks of a worker that declares `worker_cores` cores."""
    if worker_cores <= 0:
        return None
    return {CORES: min(float(declared_cores(task.runner.kwargs)), worker_cores)}
