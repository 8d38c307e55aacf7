"""A progress line every few minutes in batch logs, even while no run finishes.

Without a terminal, `Progress` logs one line per 10% of the runs; a campaign of 2-hour
runs would then log once in hours. This thread wakes every `interval` seconds (sleeping
in between, so it costs nothing) and logs done, failed, running, queued and the ETA.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from enchanted_surrogates.supervisor.progress import Progress

log = logging.getLogger("enchanted_surrogates.progress")


class Heartbeat:
    def __init__(
        self, progress: Progress, interval: float, in_flight: Callable[[], tuple[int, int]]
    ) -> None:
        """`in_flight()` returns (running, queued) runs right now."""
        self.progress = progress
        self.interval = interval
        self.in_flight = in_flight
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="progress-heartbeat", daemon=True)

    def start(self) -> Heartbeat:
        if self.interval > 0 and not self.progress.interactive:
            self._thread.start()
        return self

    def line(self) -> str:
        running, queued = self.in_flight()
        return f"{self.progress.summary()}; {running} running, {queued} queued"

    def _beat(self) -> None:
        while not self._stop.wait(self.interval):
            log.info("%s", self.line())

    def stop(self) -> None:
        self._stop.set()
