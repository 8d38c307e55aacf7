"""Keep a dask-jobqueue cluster at strength: replace batch jobs whose workers are gone.

dask-jobqueue does not notice a job that the batch system killed (scancel, a node
failure) or that reached its walltime: neither `scale()` nor `adapt()` submits a new one,
because the dead job is still in the cluster's plan. This scheduler plugin hears every
worker arrive and leave; a while after a worker leaves, a job none of whose workers is
left is forgotten as running, and re-applying the plan (the fixed number of jobs, or
what the adaptive scaler asked for) submits a replacement. Jobs still waiting in the
batch queue have had no worker yet and are left alone.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import Any

from distributed.diagnostics.plugin import SchedulerPlugin

log = logging.getLogger(__name__)

# A worker process that its nanny restarts reconnects within a few seconds; only a job
# gone for longer than this is replaced.
GONE_FOR_SEC = 5.0


class JobKeeper(SchedulerPlugin):
    name = "enchanted-job-keeper"

    def __init__(self, cluster: Any) -> None:
        self.cluster = cluster
        self.replaced = 0
        self._closing: set[asyncio.Future] = set()
        self._seen: set[str] = set()
        self._ended: deque[str] = deque()  # ids of replaced jobs, until taken for accounting
        self._stopped = False
        cluster.scheduler.add_plugin(self)

    def stop(self) -> None:
        """No more replacements (the cluster is being closed on purpose)."""
        self._stopped = True

    def take_ended(self) -> list[str]:
        """Ids of the jobs replaced since the last call (called from the supervisor's thread;
        ids, not the jobs: SpecCluster's close fails on a closed job still referenced)."""
        ended = []
        while self._ended:
            ended.append(self._ended.popleft())
        return ended

    def add_worker(self, scheduler: Any, worker: str) -> None:
        self._seen.add(str(scheduler.workers[worker].name))

    def remove_worker(self, scheduler: Any, worker: str, **kwargs: Any) -> None:
        if not self._stopped:
            self.cluster.loop.call_later(GONE_FOR_SEC, self._replace_lost_jobs)

    def _worker_names(self, job: str) -> set[str]:
        groups = self.cluster.worker_spec.get(job, {}).get("group")
        return {f"{job}{suffix}" for suffix in groups} if groups else {str(job)}

    def _replace_lost_jobs(self) -> None:
        if self._stopped:
            return
        present = {str(w.name) for w in self.cluster.scheduler.workers.values()}
        lost = [
            job
            for job in list(self.cluster.worker_spec)
            if self._worker_names(job) & self._seen and not self._worker_names(job) & present
        ]
        for job in lost:
            log.warning(
                "batch job %s lost all its workers (killed, failed or at its walltime); "
                "requesting a replacement",
                job,
            )
            dead = self.cluster.workers.pop(job, None)
            if dead is not None:  # its batch job is over; close() only tidies up
                self._closing.add(asyncio.ensure_future(dead.close()))
                if dead.job_id:
                    self._ended.append(str(dead.job_id))
            self.replaced += 1
        if lost:
            # the plan still holds the job, so re-applying it submits a new one
            self.cluster.scale(jobs=len(self.cluster.worker_spec))
