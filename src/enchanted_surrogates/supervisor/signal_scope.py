"""SIGINT and SIGTERM (what SLURM sends at walltime) handled by the campaign while it runs."""

from __future__ import annotations

import signal
import threading
from typing import Any


class SignalScope:
    """SIGINT and SIGTERM (what SLURM sends at walltime) call `handler` while inside."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self, handler: Any) -> None:
        self.handler = handler
        self.previous: dict[int, Any] = {}

    def __enter__(self) -> SignalScope:
        if threading.current_thread() is threading.main_thread():
            for signum in self.SIGNALS:
                self.previous[signum] = signal.signal(signum, self.handler)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, previous in self.previous.items():
            signal.signal(signum, previous)
