"""The batch jobs behind a dask-jobqueue cluster's workers, for the journal.

A worker job runs many runs, so its accounting cannot sit on one run's row as the
BatchExecutor's does: each job gets a `worker_job` event once SLURM has given it an id,
and a `worker_job_accounting` event (elapsed, CPU time, MaxRSS, state; slurm_accounting.py)
once it has ended, whether its workers were lost or the cluster was closed. Only SLURM
clusters are accounted; other batch systems get the `worker_job` events alone.
"""

from __future__ import annotations

import time
from typing import Any

from enchanted_surrogates.executors.slurm_accounting import job_accounting

JobEvent = tuple[str, dict[str, Any]]

# After the cluster's close has cancelled the jobs SLURM still reports them as running or
# completing for a moment; wait this long at most for their final state.
SETTLE_SEC = 15.0
_UNSETTLED = {"PENDING", "RUNNING", "COMPLETING", "CONFIGURING", "SUSPENDED"}


class WorkerJobs:
    def __init__(self, cluster: Any, slurm: bool) -> None:
        self.cluster = cluster
        self.slurm = slurm
        self._cores: dict[str, int | None] = {}  # job id -> cores it holds
        self._accounted: set[str] = set()

    def events(self, ended: list[str]) -> list[JobEvent]:
        """Jobs that got an id since the last call, and the accounting of `ended` jobs."""
        return self._new_jobs() + self._account(ended, settle=False)

    def closed(self, ended: list[str]) -> list[JobEvent]:
        """After the cluster closed: the accounting of every job not accounted yet."""
        waiting = [job_id for job_id in self._cores if job_id not in self._accounted]
        return self._account(sorted({*ended, *waiting}), settle=True)

    def _new_jobs(self) -> list[JobEvent]:
        events = []
        for job in list(self.cluster.workers.values()):
            job_id = getattr(job, "job_id", None)
            if job_id is None or str(job_id) in self._cores:
                continue
            cores = getattr(job, "worker_cores", None)
            self._cores[str(job_id)] = cores
            events.append(("worker_job", {"job_id": str(job_id), "name": job.name, "cores": cores}))
        return events

    def _account(self, job_ids: list[str], settle: bool) -> list[JobEvent]:
        if not self.slurm:
            return []
        found = {job_id: job_accounting(job_id) for job_id in job_ids}
        deadline = time.monotonic() + (SETTLE_SEC if settle else 0.0)
        while time.monotonic() < deadline and any(
            entry.get("state") in _UNSETTLED for entry in found.values()
        ):
            time.sleep(0.5)
            found.update({job_id: job_accounting(job_id) for job_id in found})
        events = []
        for job_id, entry in found.items():
            self._accounted.add(job_id)
            if entry:
                events.append(
                    ("worker_job_accounting", {"cores": self._cores.get(job_id), **entry})
                )
        return events
