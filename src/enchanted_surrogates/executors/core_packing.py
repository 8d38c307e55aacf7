"""Pack runs that declare many cores onto this machine's cores, never more at once.

A run whose runner declares N cores (a CommandRunner `launcher` with ranks x threads) is
held back until N cores are free; a 128-core node runs 128/N such runs at once. Runs that
declare one core go on as before (one per pool worker).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from enchanted_surrogates.runners.launchers import declared_cores
from enchanted_surrogates.runs.task import Task


class CorePacker:
    def __init__(self, cores: int) -> None:
        self.cores = cores
        self.used = 0
        self._held: list[tuple[Task, Any]] = []
        self._cores_of: dict[str, int] = {}

    @staticmethod
    def cores_of(task: Task) -> int:
        return declared_cores(task.runner.kwargs)

    def admit(self, task: Task, item: Any) -> bool:
        """True if `task` may start now (its cores are taken); else it is held with `item`."""
        cores = self.cores_of(task)
        if cores <= 1:
            return True
        if self.used and self.used + cores > self.cores:
            self._held.append((task, item))
            return False
        self.used += cores  # a run larger than the machine still runs, alone
        self._cores_of[task.run_id] = cores
        return True

    def release(self, task: Task) -> list[Any]:
        """Free a finished task's cores; the held items that fit now, in order."""
        self.used -= self._cores_of.pop(task.run_id, 0)
        ready: list[Any] = []
        still: list[tuple[Task, Any]] = []
        for held_task, item in self._held:
            cores = self.cores_of(held_task)
            if not self.used or self.used + cores <= self.cores:
                self.used += cores
                self._cores_of[held_task.run_id] = cores
                ready.append(item)
            else:
                still.append((held_task, item))
        self._held = still
        return ready

    def drop(self, matches: Callable[[Any], bool]) -> bool:
        """Withdraw the held item that `matches` (it was cancelled); True if one was held."""
        for position, (_, held) in enumerate(self._held):
            if matches(held):
                del self._held[position]
                return True
        return False

    def drop_all(self) -> list[Any]:
        items = [item for _, item in self._held]
        self._held = []
        return items
