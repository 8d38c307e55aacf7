"""Progress: a rich bar on a terminal, plain log lines elsewhere, and a status file.

`logs/current_progress.txt` is rewritten at most once a second (and at the end), so
watching a long campaign from a login node costs nothing per run.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

from enchanted_surrogates.runs.resource_use import ResourceUse

log = logging.getLogger("enchanted_surrogates.progress")

PROGRESS_FILE = "current_progress.txt"


class Progress:
    """Counts dataset rows (`done` of `total`: chains that ended) and `runs`, every stage
    run; in a multi-stage or nested campaign the two differ, so both are shown."""

    def __init__(self, path: Path, total: int, interactive: bool | None = None) -> None:
        self.path = path
        self.total = total
        self.done = self.successes = self.failures = 0
        self.runs = 0
        self.started_done = 0
        self.started = time.monotonic()
        self._last_write = 0.0
        self._last_log_fraction = 0.0
        self.resources = ResourceUse()
        if interactive is None:
            interactive = sys.stderr.isatty() and not os.environ.get("CI")
        self._bar = None
        if interactive:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                TextColumn,
                TimeRemainingColumn,
            )
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(
                TextColumn("[bold]dataset rows"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[runs]} runs, {task.fields[failed]} failed"),
                TimeRemainingColumn(),
                transient=False,
            )
            self._task = self._bar.add_task("rows", total=total, failed=0, runs=0)
            self._bar.start()

    @property
    def interactive(self) -> bool:
        """Is a progress bar shown (a terminal), rather than log lines?"""
        return self._bar is not None

    def add_total(self, runs: int) -> None:
        """A new level's runs become known once its parents are."""
        self.total += runs
        if self._bar is not None:
            self._bar.update(self._task, total=self.total, completed=self.done)

    def preload(self, success: bool, row: dict[str, Any] | None = None) -> None:
        """Count a run finished before a resume (no log line, no ETA effect)."""
        if row:
            self.resources.add_row(row)
        self.total += 1
        self.done += 1
        self.runs += 1
        self.successes += int(success)
        self.failures += int(not success)
        self.started_done = self.done

    def stage_finished(self) -> None:
        """Count a run whose chain goes on (no dataset row yet)."""
        self.runs += 1
        if self._bar is not None:
            self._bar.update(self._task, runs=self.runs)

    def update(self, success: bool) -> None:
        """Count a chain's final run: a dataset row."""
        self.done += 1
        self.runs += 1
        if success:
            self.successes += 1
        else:
            self.failures += 1
        if self._bar is not None:
            self._bar.update(self._task, completed=self.done, failed=self.failures, runs=self.runs)
        now = time.monotonic()
        if now - self._last_write >= 1.0:
            self.write()
        fraction = self.done / self.total if self.total else 1.0
        if self._bar is None and fraction - self._last_log_fraction >= 0.1:
            self._last_log_fraction = fraction
            log.info("%s", self.summary())

    def eta_sec(self) -> float | None:
        if not self.done or self.done >= self.total:
            return None
        rate = (self.done - self.started_done) / max(time.monotonic() - self.started, 1e-9)
        if rate <= 0:
            return None
        return (self.total - self.done) / rate

    def summary(self) -> str:
        eta = self.eta_sec()
        eta_text = f", ETA {_duration(eta)}" if eta is not None else ""
        return (
            f"{self.runs} runs, {self.done}/{self.total} dataset rows done, "
            f"{self.successes} succeeded, {self.failures} failed, "
            f"elapsed {_duration(time.monotonic() - self.started)}{eta_text}"
        )

    def write(self) -> None:
        self._last_write = time.monotonic()
        eta = self.eta_sec()
        text = (
            f"completed: {self.done}/{self.total}\n"
            f"runs: {self.runs}\n"
            f"successes: {self.successes}\n"
            f"failures: {self.failures}\n"
            f"elapsed_sec: {time.monotonic() - self.started:.1f}\n"
            f"eta_sec: {'' if eta is None else f'{eta:.1f}'}\n"
        )
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(text)
        os.replace(tmp, self.path)

    def close(self) -> None:
        self.write()
        if self._bar is not None:
            self._bar.stop()


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m{secs:02d}s" if hours else f"{minutes}m{secs:02d}s"
