"""LocalExecutor: the embedded default, a `concurrent.futures` process pool."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveInt

from enchanted_surrogates.executors.base import Executor
from enchanted_surrogates.executors.pool_slots import PoolSlots, init_worker, run_tracked
from enchanted_surrogates.status import Status
from enchanted_surrogates.task import RunResult, Task


class LocalExecutorConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_workers: PositiveInt | None = Field(
        default=None, description="Worker processes; default: the number of CPUs."
    )
    max_pending: int | None = Field(
        default=None,
        ge=0,
        description="Tasks queued beyond the busy workers so none idles between runs "
        "(used for samplers that do not learn from results); default: 2 x max_workers.",
    )
    start_method: Literal["forkserver", "spawn", "fork"] = Field(
        default="forkserver",
        description="How worker processes start; forkserver is safe with threads.",
    )
    crash_attempts: PositiveInt = Field(
        default=3,
        description="A run that was executing in this many worker deaths is CRASHED.",
    )
    n_jobs: PositiveInt | None = Field(default=None, description="JoblibExecutor spelling.")


class LocalExecutor(Executor):
    """Runs tasks in a pool of worker processes on this machine.

    A worker that dies (segfault, kill -9, out of memory) breaks a Python process pool;
    the pool is then restarted and the runs that were executing are tried again, up to
    `crash_attempts` times, after which they are recorded as CRASHED. Runs that were only
    queued when the pool broke are resubmitted without counting an attempt.
    """

    Config = LocalExecutorConfig

    def __init__(self, **kwargs: Any) -> None:
        super().__init__()
        config = LocalExecutorConfig(**kwargs)
        self._workers = config.max_workers or config.n_jobs or os.cpu_count() or 1
        self.max_pending = 2 * self._workers if config.max_pending is None else config.max_pending
        self.crash_attempts = config.crash_attempts
        self._context = multiprocessing.get_context(config.start_method)
        self._pool: ProcessPoolExecutor | None = None
        self._slots: PoolSlots | None = None
        self._running_at_break: set[int] = set()
        self._seq = 0
        self._seq_of: dict[Any, tuple[ProcessPoolExecutor, int]] = {}
        self._crashes: dict[str, int] = {}

    def worker_slots(self) -> int:
        return self._workers

    def _ensure_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._slots = PoolSlots(self._context, self._workers)
            self._pool = ProcessPoolExecutor(
                max_workers=self._workers,
                mp_context=self._context,
                initializer=init_worker,
                initargs=(self._slots.values, self._slots.next_free),
            )
        return self._pool

    def _submit(self, task: Task) -> Any:
        pool = self._ensure_pool()
        self._seq += 1
        future = pool.submit(run_tracked, task, self._seq)
        self._seq_of[future] = (pool, self._seq)
        return future

    def collect(self, task: Task, future: Any) -> RunResult | Any:
        self._current = self._seq_of.pop(future, (None, 0))
        return super().collect(task, future)

    def engine_failure(self, task: Task, exc: BaseException) -> RunResult | Any:
        if not isinstance(exc, BrokenProcessPool):
            return super().engine_failure(task, exc)
        pool, seq = self._current
        if pool is self._pool and self._pool is not None:
            self._running_at_break = self._slots.running() if self._slots else set()
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
        if seq not in self._running_at_break:
            return self.submit(task)
        attempts = self._crashes.get(task.run_id, 0) + 1
        self._crashes[task.run_id] = attempts
        if attempts >= self.crash_attempts:
            return RunResult(
                run_id=task.run_id,
                status=Status.CRASHED,
                error=f"its worker process died {attempts} times while running it "
                "(segfault, os._exit, kill -9 or out of memory)",
            )
        return self.submit(task)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


JoblibExecutor = LocalExecutor
