"""Keep a dask-jobqueue cluster at strength: replace batch jobs whose workers are gone.

dask-jobqueue does not notice a job that the batch system killed (scancel, a node
failure) or that reached its walltime: neither `scale()` nor `adapt()` submits a new one,
because the dead job is still in the cluster's plan. This watcher runs on the cluster's
own event loop, reads the worker list the cluster already receives from the scheduler,
and drops a job from the plan once all its workers have been gone for a while; the
cluster (or its adaptive scaler) then submits a replacement.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from tornado.ioloop import PeriodicCallback

log = logging.getLogger(__name__)

CHECK_EVERY_SEC = 1.0
# A worker process that a nanny restarts reconnects within a few seconds; only a job
# gone for longer than this is replaced.
GONE_FOR_SEC = 8.0


class JobKeeper:
    def __init__(self, cluster: Any, jobs: int | None) -> None:
        """Watch `cluster`; with `jobs`, scale back to that many jobs after a loss (else an
        adaptive scaler is in charge and only needs the dead job out of its plan)."""
        self.cluster = cluster
        self.jobs = jobs
        self.replaced = 0
        self._seen: set[str] = set()
        self._gone_since: dict[str, float] = {}
        self._callback = PeriodicCallback(self._check, CHECK_EVERY_SEC * 1000)
        cluster.loop.add_callback(self._callback.start)

    def stop(self) -> None:
        self.cluster.loop.add_callback(self._callback.stop)

    def _worker_names(self, job: str) -> set[str]:
        spec = self.cluster.worker_spec.get(job, {})
        groups = spec.get("group")
        return {f"{job}{suffix}" for suffix in groups} if groups else {str(job)}

    def _check(self) -> None:
        present = {str(w.get("name")) for w in self.cluster.scheduler_info["workers"].values()}
        now = time.monotonic()
        lost = []
        for job in list(self.cluster.worker_spec):
            if self._worker_names(job) & present:
                self._seen.add(job)
                self._gone_since.pop(job, None)
            elif job in self._seen and now - self._gone_since.setdefault(job, now) >= GONE_FOR_SEC:
                lost.append(job)
        for job in lost:
            log.warning(
                "batch job %s lost all its workers (killed, failed or at its walltime); "
                "requesting a replacement",
                job,
            )
            del self.cluster.worker_spec[job]
            self._seen.discard(job)
            self._gone_since.pop(job, None)
            self.replaced += 1
        if lost and self.jobs is not None:
            self.cluster.scale(jobs=self.jobs)
