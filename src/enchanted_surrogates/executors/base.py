"""The executor contract: a thin adapter over an existing engine.

`submit(task) -> future`, `collect(task, future)` turns a finished future into a RunResult
(or resubmits it), `cancel`, `capacity()` for free slots, `close()`. Results reach the
supervisor through `CompletionStream`, fed by the futures' done-callbacks: no polling.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from concurrent.futures import CancelledError, Future
from typing import Any, ClassVar

from pydantic import BaseModel

from enchanted_surrogates.runs.status import Status
from enchanted_surrogates.runs.task import RunResult, Task


class ExecutorUnusable(RuntimeError):
    """The engine cannot run anything (its workers die on start-up): the campaign stops
    instead of recording every run as CRASHED; the runs are redone on resume."""


class Executor(ABC):
    """Where runs execute. Subclasses wrap a process pool, Dask, or a batch system."""

    Config: ClassVar[type[BaseModel] | None] = None

    def __init__(self, **kwargs: Any) -> None:
        self.max_pending = 0
        self._inflight: set[Any] = set()

    @abstractmethod
    def worker_slots(self) -> int:
        """How many tasks can run at the same time right now."""

    @abstractmethod
    def _submit(self, task: Task) -> Any:
        """Hand one task to the engine; return its future."""

    def submit(self, task: Task) -> Any:
        future = self._submit(task)
        self._inflight.add(future)
        return future

    def collect(self, task: Task, future: Any) -> RunResult | Any:
        """The RunResult of a finished future, or a new future if the task was resubmitted."""
        self._inflight.discard(future)
        try:
            return future.result()
        except CancelledError:
            return RunResult(run_id=task.run_id, status=Status.CANCELLED, error="cancelled")
        except Exception as exc:  # the engine failed to run or return the task
            return self.engine_failure(task, exc)

    def engine_failure(self, task: Task, exc: BaseException) -> RunResult | Any:
        """Map an engine-level exception (not a runner's) to a result; may resubmit."""
        return RunResult(
            run_id=task.run_id, status=Status.FAILED, error=f"{type(exc).__name__}: {exc}"
        )

    def capacity(self, eager: bool = False) -> int:
        """Free slots; `eager` also counts the tasks worth queueing beyond the workers."""
        slots = self.eager_slots() if eager else self.worker_slots()
        return max(0, slots - len(self._inflight))

    def eager_slots(self) -> int:
        """Tasks in flight that keep every worker busy when no sampler waits on results."""
        return self.worker_slots() + self.max_pending

    @property
    def inflight(self) -> int:
        return len(self._inflight)

    def is_running(self, future: Any) -> bool:
        """Has this task started on a worker (rather than waiting in a queue)?"""
        return bool(future.running())

    def reattaches(self, run_dir: str, attempt: int) -> bool:
        """Is a job of an earlier supervisor still working on this run (keep its run dir)?"""
        return False

    def on_job(self, listener: Callable[[Task, dict[str, Any]], None]) -> None:
        """Have `listener(task, job)` told (on the supervisor's thread) each batch job a
        task gets, for the journal; batch executors may submit only at `flush()`."""
        self._job_listener = listener

    def _inform(self, task: Task, job: dict[str, Any]) -> None:
        listener = getattr(self, "_job_listener", None)
        if listener is not None:
            listener(task, job)

    def job_events(self) -> list[tuple[str, dict[str, Any]]]:
        """Journal events about batch jobs the engine runs its workers in (dask-jobqueue),
        since the last call: their ids, and the scheduler's accounting once they ended."""
        return []

    def running_and_queued(self) -> tuple[int, int]:
        """(running, queued) tasks now; may be called from another thread."""
        for _ in range(3):  # the supervisor thread may change the set meanwhile
            try:
                futures = list(self._inflight)
            except RuntimeError:
                continue
            running = sum(1 for future in futures if self.is_running(future))
            return running, len(futures) - running
        return 0, 0

    def flush(self) -> None:
        """Hand over submissions an executor may buffer; called before the supervisor waits."""

    def cancel(self, future: Future) -> bool:
        return future.cancel()

    def cancel_all(self) -> None:
        for future in list(self._inflight):
            self.cancel(future)

    def close(self) -> None:
        """Release the engine's resources."""

    def abort(self) -> None:
        """Stop now: drop queued tasks and stop running ones (they are redone on resume)."""
        self.cancel_all()
        self.close()

    def describe(self) -> str:
        return f"{type(self).__name__} with {self.worker_slots()} workers"
