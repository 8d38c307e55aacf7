"""One queue for the results of every executor, fed by the futures' done-callbacks.

The supervisor blocks on it, so it wakes exactly when a run finishes, whichever executor
ran it; sequential stages on different executors share one stream.
"""

from __future__ import annotations

import queue
from typing import Any

from enchanted_surrogates.executors.base import Executor
from enchanted_surrogates.task import RunResult, Task


class CompletionStream:
    def __init__(self) -> None:
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._pending = 0

    def __len__(self) -> int:
        return self._pending

    def submit(self, executor: Executor, task: Task) -> Any:
        future = executor.submit(task)
        self._track(executor, task, future)
        return future

    def _track(self, executor: Executor, task: Task, future: Any) -> None:
        self._pending += 1
        future.add_done_callback(lambda done: self._queue.put((executor, task, done)))

    def next(self) -> tuple[Task, RunResult]:
        """Block until some run finishes; return it with its result."""
        while True:
            executor, task, future = self._queue.get()
            self._pending -= 1
            outcome = executor.collect(task, future)
            if isinstance(outcome, RunResult):
                return task, outcome
            self._track(executor, task, outcome)
