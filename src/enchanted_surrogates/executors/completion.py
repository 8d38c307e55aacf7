"""One queue for the results of every executor, fed by the futures' done-callbacks.

The supervisor blocks on it, so it wakes exactly when a run finishes, whichever executor
ran it; sequential stages on different executors share one stream.
"""

from __future__ import annotations

import queue
from collections.abc import Callable
from typing import Any

from enchanted_surrogates.executors.base import Executor
from enchanted_surrogates.runs.task import RunResult, Task


class Interrupted(Exception):
    """A stop was requested (a signal) while the supervisor waited for results."""


_WAKE_UP = object()


class CompletionStream:
    def __init__(self) -> None:
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._pending = 0
        self._executors: dict[int, Executor] = {}
        self.current: dict[str, Any] = {}  # run_id -> its latest future (resubmissions too)

    def interrupt(self) -> None:
        """Wake the waiting supervisor with Interrupted; safe to call from a signal handler
        (SimpleQueue.put is reentrant)."""
        self._queue.put(_WAKE_UP)

    def __len__(self) -> int:
        return self._pending

    def submit(self, executor: Executor, task: Task) -> Any:
        future = executor.submit(task)
        self._track(executor, task, future)
        return future

    def _track(self, executor: Executor, task: Task, future: Any) -> None:
        self._executors[id(executor)] = executor
        self.current[task.run_id] = future
        self._pending += 1
        future.add_done_callback(lambda done: self._queue.put((executor, task, done)))

    def next(self, before_blocking: Callable[[], None] | None = None) -> tuple[Task, RunResult]:
        """The next finished run with its result; blocks until there is one.

        `before_blocking` runs only when nothing has finished yet, so the caller can flush
        its files once per wait rather than once per result.
        """
        found = self._next(before_blocking, wait=True)
        assert found is not None
        return found

    def next_ready(self) -> tuple[Task, RunResult] | None:
        """The next finished run if one is waiting; never blocks."""
        return self._next(None, wait=False)

    def _next(
        self, before_blocking: Callable[[], None] | None, wait: bool
    ) -> tuple[Task, RunResult] | None:
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                if not wait:
                    return None
                for executor in self._executors.values():
                    executor.flush()
                if before_blocking is not None:
                    before_blocking()
                item = self._queue.get()
            if item is _WAKE_UP:
                raise Interrupted
            executor, task, future = item
            self._pending -= 1
            outcome = executor.collect(task, future)
            if isinstance(outcome, RunResult):
                self.current.pop(task.run_id, None)
                return task, outcome
            self._track(executor, task, outcome)
