"""Drive runs from your own loop (an optimiser, a notebook), without a campaign.

    with RunDriver(LocalExecutor(max_workers=2)) as driver:
        handle = driver.submit(make_task(MyRunner, {"x": 1.0}, "runs/x1"))
        driver.poll()                 # {"x1": "RUNNING", ...}
        driver.cancel(handle, "not needed any more")
        for handle, result in driver.results():
            ...

A handle is the task's `run_id`. Statuses are PENDING and RUNNING while in flight, then
the run's Status (SUCCESS, FAILED, CRASHED, TIMEOUT, MEMOUT, CANCELLED).
"""

from __future__ import annotations

from collections.abc import Iterator

from enchanted_surrogates.executors.base import Executor
from enchanted_surrogates.executors.completion import CompletionStream
from enchanted_surrogates.runs.status import Status
from enchanted_surrogates.runs.task import RunResult, Task


class RunDriver:
    def __init__(self, executor: Executor) -> None:
        self.executor = executor
        self._stream = CompletionStream()
        self._futures: dict[str, Task] = {}
        self._finished: dict[str, RunResult] = {}
        self._delivered: set[str] = set()
        self._reasons: dict[str, str] = {}

    def submit(self, task: Task) -> str:
        """Start a run; return its handle (the task's run_id, which must be unique)."""
        if task.run_id in self._futures:
            raise ValueError(f"a run with handle {task.run_id!r} was submitted already")
        self._futures[task.run_id] = task
        self._stream.submit(self.executor, task)
        return task.run_id

    def capacity(self) -> int:
        """Runs that can start right now without waiting for a worker."""
        return self.executor.capacity()

    def poll(self) -> dict[str, str]:
        """Every handle's status now, without waiting."""
        self.executor.flush()  # runs an executor holds back until it would wait
        while (found := self._stream.next_ready()) is not None:
            self._store(*found)
        statuses = {}
        for handle in self._futures:
            if handle in self._finished:
                statuses[handle] = str(self._finished[handle].status)
            else:
                future = self._stream.current[handle]
                statuses[handle] = "RUNNING" if self.executor.is_running(future) else "PENDING"
        return statuses

    def cancel(self, handle: str, reason: str = "cancelled") -> bool:
        """Cancel a run that has not started; True if it will not run."""
        if handle in self._finished:
            return False
        cancelled = self.executor.cancel(self._stream.current[handle])
        if cancelled:
            self._reasons[handle] = reason
        return cancelled

    def results(self) -> Iterator[tuple[str, RunResult]]:
        """Finished runs as they finish, each once, until none is left in flight."""
        while True:
            for handle, result in list(self._finished.items()):
                if handle not in self._delivered:
                    self._delivered.add(handle)
                    yield handle, result
            if not len(self._stream):
                return
            self._collect()

    def wait(self) -> dict[str, RunResult]:
        """Block until every submitted run has finished; return all results."""
        while len(self._stream):
            self._collect()
        return dict(self._finished)

    def _collect(self) -> None:
        self._store(*self._stream.next())

    def _store(self, task: Task, result: RunResult) -> None:
        if result.status is Status.CANCELLED and task.run_id in self._reasons:
            result.error = self._reasons[task.run_id]
        self._finished[task.run_id] = result

    def close(self) -> None:
        self.executor.close()

    def __enter__(self) -> RunDriver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
