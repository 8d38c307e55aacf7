"""The executors of a campaign, each built once and closed when no later level needs it."""

from __future__ import annotations

import logging
import time
from typing import Any

from enchanted_surrogates.config.spec import CampaignSpec
from enchanted_surrogates.executors.base import Executor
from enchanted_surrogates.supervisor.recorder import Recorder

log = logging.getLogger("enchanted_surrogates.supervisor")


class SharedExecutors:
    """One executor object per configured name, shared by every level and stage using it,
    and closed as soon as no later level needs it (releasing its workers early)."""

    def __init__(self, spec: CampaignSpec) -> None:
        self._built: dict[str, Executor] = {}
        self._last_use: dict[str, int] = {}
        self.recorder: Recorder | None = None  # journals what closing an executor accounts
        for level in spec.levels:
            for entry in level.executors:
                self._last_use[entry.name] = level.index

    def get(self, entry: Any) -> Executor:
        if entry.name not in self._built:
            started = time.monotonic()
            executor = self._built[entry.name] = entry.build()
            log.debug(
                "executor %s: %s built in %.2f s",
                entry.name,
                type(executor).__name__,
                time.monotonic() - started,
            )
        return self._built[entry.name]

    def release_after(self, level_index: int) -> None:
        for name, last in self._last_use.items():
            if last == level_index and name in self._built:
                log.info("executor %s is no longer needed; closing it", name)
                self._closed(self._built.pop(name))

    def running_and_queued(self) -> tuple[int, int]:
        """(running, queued) runs over all executors; called by the progress heartbeat."""
        counts = [executor.running_and_queued() for executor in list(self._built.values())]
        return sum(c[0] for c in counts), sum(c[1] for c in counts)

    def abort_all(self) -> None:
        for executor in self._built.values():
            self._closed(executor, abort=True)
        self._built.clear()

    def close_all(self) -> None:
        for executor in self._built.values():
            self._closed(executor)
        self._built.clear()

    def _closed(self, executor: Executor, abort: bool = False) -> None:
        """Close or abort `executor`, then journal the accounting of its worker jobs."""
        executor.abort() if abort else executor.close()
        if self.recorder is not None:
            self.recorder.worker_jobs(executor.job_events())
