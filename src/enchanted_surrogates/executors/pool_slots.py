"""Which task each pool worker is executing, in shared memory the parent can read.

When a worker dies, Python's process pool fails every pending future, queued or not.
These slots tell the parent which runs were actually executing at that moment, so only
they count a crash attempt; queued runs are simply submitted again.
"""

from __future__ import annotations

import os
import select
import signal
import threading
from multiprocessing.context import BaseContext
from typing import Any

from enchanted_surrogates.executors import program_groups
from enchanted_surrogates.executors.limits import kill_running_child
from enchanted_surrogates.executors.worker import run_task
from enchanted_surrogates.runs.task import RunResult, Task

_slots: Any = None
_my_slot: int = -1


class PoolSlots:
    """Shared integers per worker: the sequence number of its current task, or 0, and the
    process group of the external program it runs, or 0."""

    def __init__(self, context: BaseContext, workers: int) -> None:
        self.values = context.Array("q", workers, lock=False)
        self.groups = context.Array("q", workers, lock=False)
        self.next_free = context.Value("i", 0)

    def running(self) -> set[int]:
        return {value for value in self.values if value}

    def kill_programs(self) -> None:
        """Kill the programs of workers that are gone (a worker killed with SIGKILL could
        not; the kernel's death signal reaches only the program itself, not what it started)."""
        for index, group in enumerate(self.groups):
            program_groups.kill(group)
            self.groups[index] = 0


def init_worker(slots: Any, groups: Any, next_free: Any, supervisor_pid: int) -> None:
    """Pool initializer: claim this process's slot, and die with the supervisor."""
    global _slots, _my_slot
    with next_free.get_lock():
        _my_slot = next_free.value % len(slots)
        next_free.value += 1
    _slots = slots
    program_groups.publish_to(lambda group: groups.__setitem__(_my_slot, group))
    signal.signal(signal.SIGTERM, _on_terminate)
    threading.Thread(target=_exit_with, args=(supervisor_pid,), daemon=True).start()


def _on_terminate(_signum: int, _frame: object) -> None:
    """The pool stops this worker (another one died, or an abort): clear this worker's slot,
    so it is not blamed for the death, and take a limited run's process group along."""
    _slots[_my_slot] = 0
    kill_running_child()
    os._exit(143)


def _exit_with(pid: int) -> None:
    """Block until the supervisor process is gone, then end this worker.

    A supervisor killed with SIGKILL cannot stop its workers; without this, a worker would
    finish its run and write into a run directory that the resumed campaign has already
    cleaned and started again. Waits on a pidfd (Linux), so it costs nothing meanwhile.
    """
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:  # the supervisor died while this worker started
        os._exit(1)
    except (AttributeError, OSError):
        return  # no pidfd here: workers then end when their pool's pipes close
    select.select([fd], [], [])
    kill_running_child()
    os._exit(1)


def run_chunk(items: list[tuple[Task, int]]) -> list[RunResult]:
    """Run tasks one after another, this worker's slot showing each one's `seq` meanwhile."""
    results = []
    for task, seq in items:
        _slots[_my_slot] = seq
        try:
            results.append(run_task(task))
        finally:
            _slots[_my_slot] = 0
    return results
