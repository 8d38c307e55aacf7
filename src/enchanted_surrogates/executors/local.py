"""LocalExecutor: the embedded default, a `concurrent.futures` process pool."""

from __future__ import annotations

import os
import shutil
from concurrent.futures import Future, InvalidStateError, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveInt

from enchanted_surrogates.executors.base import Executor, ExecutorUnusable
from enchanted_surrogates.executors.chunking import ChunkPolicy
from enchanted_surrogates.executors.core_packing import CorePacker
from enchanted_surrogates.executors.early_forkserver import preload_worker
from enchanted_surrogates.executors.pool_slots import PoolSlots, init_worker, run_chunk
from enchanted_surrogates.executors.script_main import script_safe_context
from enchanted_surrogates.runs.status import Status
from enchanted_surrogates.runs.task import RunResult, Task


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
        description="A run that was executing in this many worker deaths is CRASHED; this "
        "many pool breaks in a row with no run executing fail the pending runs as CRASHED.",
    )
    n_jobs: PositiveInt | None = Field(default=None, description="JoblibExecutor spelling.")


class LocalExecutor(Executor):
    """Runs tasks in a pool of worker processes on this machine.

    Each task gets its own future. While measured runs are very short, tasks are handed
    to the pool in chunks (see chunking.py) so the per-task round trip does not dominate;
    the supervisor's `flush()` before it waits sends any partial chunk at once.

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
        self._context = script_safe_context(config.start_method)
        if config.start_method == "forkserver":
            preload_worker(self._context)
        self._pool: ProcessPoolExecutor | None = None
        self._slots: PoolSlots | None = None
        self._chunks = ChunkPolicy()
        self._buffer: list[tuple[Task, int, Future]] = []
        self._running_at_break: set[int] = set()
        self._seq = 0
        self._seq_of: dict[Future, tuple[ProcessPoolExecutor | None, int]] = {}
        self._chunk_of: dict[Future, tuple[Future, list]] = {}
        self._crashes: dict[str, int] = {}
        self._breaks_in_a_row = 0
        self._packer = CorePacker(self._workers)

    def worker_slots(self) -> int:
        return self._workers

    def eager_slots(self) -> int:
        """Room for a chunk per worker plus the queue, so chunks can actually form."""
        return (self._workers + self.max_pending) * self._chunks.size()

    def _ensure_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._slots = PoolSlots(self._context, self._workers)
            self._pool = ProcessPoolExecutor(
                max_workers=self._workers,
                mp_context=self._context,
                initializer=init_worker,
                initargs=(
                    self._slots.values,
                    self._slots.groups,
                    self._slots.next_free,
                    os.getpid(),
                ),
            )
            # Start every worker up front: a worker that CPython 3.11 spawns on demand is
            # added after the pool's manager thread has picked the processes it watches,
            # so that worker's death (kill -9) would go unnoticed and its run hang.
            self._pool._safe_to_dynamically_spawn_children = False
        return self._pool

    def _submit(self, task: Task) -> Any:
        self._seq += 1
        future: Future = Future()
        self._seq_of[future] = (None, self._seq)
        if not self._packer.admit(task, (task, self._seq, future)):
            return future  # waits for cores (see core_packing.py)
        self._buffer.append((task, self._seq, future))
        if len(self._buffer) >= self._chunks.size():
            self.flush()
        return future

    def flush(self) -> None:
        """Hand every buffered task to the pool."""
        while self._buffer:
            chunk, self._buffer = self._buffer, []
            self._send(chunk)

    def _send(self, chunk: list[tuple[Task, int, Future]]) -> None:
        while self._breaks_in_a_row < self.crash_attempts:
            pool = self._ensure_pool()
            try:
                pool_future = pool.submit(run_chunk, [(task, seq) for task, seq, _ in chunk])
            except BrokenProcessPool:
                self._discard_pool()
                continue
            for _, seq, future in chunk:
                self._seq_of[future] = (pool, seq)
                self._chunk_of[future] = (pool_future, chunk)
            pool_future.add_done_callback(lambda done: _deliver(done, chunk))
            return
        raise ExecutorUnusable(
            f"the worker pool broke {self._breaks_in_a_row} times in a row before any run "
            "started: its worker processes die on start-up (see logs/main.log)"
        )

    def _discard_pool(self) -> None:
        """Drop a broken pool and find which run its death belongs to.

        The pool terminates its other workers after a death; each clears its slot on
        SIGTERM, so once they are gone only the slot of the worker that died is still set.
        A break with no run executing counts against start-up.
        """
        if self._pool is None:
            return
        processes = list(getattr(self._pool, "_processes", {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.join(timeout=2)
            if process.is_alive():  # stuck outside Python: it stays a suspect
                process.kill()
                process.join(timeout=2)
        self._running_at_break = self._slots.running() if self._slots else set()
        if self._slots:
            self._slots.kill_programs()
        self._pool = None
        if not self._running_at_break:
            self._breaks_in_a_row += 1

    def is_running(self, future: Any) -> bool:
        _, seq = self._seq_of.get(future, (None, 0))
        return bool(self._slots and seq in self._slots.running())

    def cancel(self, future: Future) -> bool:
        """Cancel a task that has not started; True only if it will not run.

        A buffered task is dropped; a submitted one only if its pool submission can still be
        withdrawn, i.e. the rest of its chunk is cancelled and the pool has not taken it.
        """
        if self._packer.drop(lambda held: held[2] is future):
            return future.cancel()
        for position, (_, _, buffered) in enumerate(self._buffer):
            if buffered is future:
                del self._buffer[position]
                return future.cancel()
        pool_future, chunk = self._chunk_of.get(future, (None, []))
        if pool_future is None:
            return future.cancel()
        rest_cancelled = all(f.cancelled() for _, _, f in chunk if f is not future)
        if not rest_cancelled or not pool_future.cancel():
            return False
        return future.cancel()

    def cancel_all(self) -> None:
        """Withdraw everything not yet taken by a worker (runs in progress go on)."""
        for _, _, future in self._packer.drop_all():
            future.cancel()
        for _, _, future in self._buffer:
            future.cancel()
        self._buffer = []
        for pool_future, chunk in {id(c): (p, c) for p, c in self._chunk_of.values()}.values():
            if pool_future.cancel():
                for _, _, future in chunk:
                    future.cancel()

    def collect(self, task: Task, future: Any) -> RunResult | Any:
        self._chunk_of.pop(future, None)
        self._current = self._seq_of.pop(future, (None, 0))
        self._buffer.extend(self._packer.release(task))
        outcome = super().collect(task, future)
        if isinstance(outcome, RunResult) and outcome.status is not Status.CRASHED:
            self._breaks_in_a_row = 0
            self._chunks.observe(outcome.runtime_sec)
        return outcome

    def engine_failure(self, task: Task, exc: BaseException) -> RunResult | Any:
        if not isinstance(exc, BrokenProcessPool):
            return super().engine_failure(task, exc)
        pool, seq = self._current
        if pool is self._pool:
            self._discard_pool()
        # no result came back, so whatever an interrupted attempt left is stale
        shutil.rmtree(task.run_dir, ignore_errors=True)
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
        self._buffer = []
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def abort(self) -> None:
        """Cancel queued tasks and terminate the workers, so a stop never waits for a run."""
        self.cancel_all()
        self._buffer = []
        pool, self._pool = self._pool, None
        if pool is None:
            return
        processes = list(getattr(pool, "_processes", {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()


def _deliver(pool_future: Future, chunk: list[tuple[Task, int, Future]]) -> None:
    """Pass a finished chunk's outcome on to each task's own future (pool thread)."""
    if pool_future.cancelled():
        for _, _, future in chunk:
            future.cancel()
        return
    error = pool_future.exception()
    if error is not None:
        for _, _, future in chunk:
            _settle(future, error=error)
        return
    for (_, _, future), result in zip(chunk, pool_future.result(), strict=True):
        _settle(future, result=result)


def _settle(future: Future, result: RunResult | None = None, error: BaseException | None = None):
    """Complete a task's future unless it was cancelled meanwhile."""
    try:
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)
    except InvalidStateError:
        pass  # cancelled by the supervisor while the chunk ran: the result is not wanted


JoblibExecutor = LocalExecutor
