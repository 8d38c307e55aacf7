"""The column order of every dataset file: parameters, outputs, bookkeeping, run_dir last."""

from __future__ import annotations

from collections.abc import Iterable


class ColumnOrder:
    """Keeps a stable header as rows bring new columns (e.g. outputs of a later success)."""

    TAIL_FIRST = ("success", "status", "error")

    def __init__(
        self,
        parameters: Iterable[str] = (),
        runners: Iterable[str] = (),
        levels: bool = False,
        retried: Iterable[str] = (),
    ) -> None:
        self.parameters = list(dict.fromkeys(parameters))
        self.runners = list(dict.fromkeys(runners))
        self.levels = levels
        self.retried = list(dict.fromkeys(retried))
        self.outputs: list[str] = []

    def bookkeeping(self) -> list[str]:
        successes = [f"success_{name}" for name in self.runners]
        runtimes = [
            f"{column}_{name}"
            for name in self.runners
            for column in ("runtime_sec", "cpu_sec", "max_rss_mb")
        ]
        attempts = [f"attempts_{name}" for name in self.retried]
        level = ["level"] if self.levels else []
        return [*level, *self.TAIL_FIRST, *successes, *runtimes, *attempts]

    def columns(self) -> list[str]:
        return [*self.parameters, *self.outputs, *self.bookkeeping(), "run_dir"]

    def add(self, row: dict) -> bool:
        """Learn the columns of `row`; True if the header grew."""
        known = set(self.columns())
        new = [key for key in row if key not in known]
        self.outputs.extend(new)
        return bool(new)
