"""DaskExecutor: runs on dask.distributed — a LocalCluster, a running scheduler, or batch
jobs through dask-jobqueue (SLURM, PBS, SGE, LSF, HTCondor, Moab, OAR).

A thin adapter: tasks are handed to Dask as `client.map(run_on_worker, ...)`, one map for
the runs the supervisor submits before it next waits (or every SUBMIT_BATCH runs): each
`client.submit` is a graph update of its own for the scheduler, which shares the
supervisor's process and cores. Each run's future feeds the completion stream through
its done-callback, so results arrive as they finish and nothing polls files. Workers
build a runner once per process (`worker.get_runner`).

Worker loss is Dask's to handle: a task lost with its worker is rescheduled, and one
that was on `crash_attempts` dying workers fails with KilledWorker; it is recorded as
CRASHED if it was executing each time (see dask_task.py), else submitted afresh.
Batch jobs that die or reach their walltime are replaced (`dask_keeper`).
The cluster starts on the first submitted run, so validating a config starts nothing.
"""

from __future__ import annotations

import functools
import itertools
import logging
import os
import time
import uuid
from collections import Counter
from concurrent.futures import Future
from typing import Any

from enchanted_surrogates.executors.base import Executor
from enchanted_surrogates.executors.chunking import ChunkPolicy
from enchanted_surrogates.executors.dask_cluster import (
    Started,
    estimated_slots,
    local_cluster_kwargs,
    start,
)
from enchanted_surrogates.executors.dask_config import DaskExecutorConfig
from enchanted_surrogates.executors.dask_fetch import Fetcher
from enchanted_surrogates.executors.dask_jobs import JobEvent, WorkerJobs
from enchanted_surrogates.executors.dask_resources import (
    configured_cores,
    connected_cores,
    run_resources,
)
from enchanted_surrogates.executors.dask_task import (
    executing_keys,
    interrupted_starts,
    pack,
    run_on_worker,
)
from enchanted_surrogates.runs.status import Status
from enchanted_surrogates.runs.task import RunResult, Task

log = logging.getLogger(__name__)

WORKER_LOGS = "dask-worker-logs"
SCHEDULER_INFO_MAX_AGE_SEC = 1.0  # how stale the worker count of a foreign scheduler may be
SUBMIT_BATCH = 100  # runs per `client.map` at most, so the first runs leave early


class DaskExecutor(Executor):
    """Runs tasks on a Dask cluster; see the module docstring and docs/cluster.md."""

    Config = DaskExecutorConfig

    def __init__(self, **kwargs: Any) -> None:
        super().__init__()
        self.config = DaskExecutorConfig(**kwargs)
        self._target = estimated_slots(self.config)
        self._started: Started | None = None
        self._keeper: Any = None  # a dask_keeper.JobKeeper for batch-system clusters
        self._jobs: WorkerJobs | None = None  # their batch jobs, for the journal
        self._job_events: list[JobEvent] = []  # accounted at close, not yet journalled
        self._keys = itertools.count()
        self._token = uuid.uuid4().hex[:8]
        self._foreign_slots = (0.0, 0)
        self._runs: dict[Future, tuple[Any, str]] = {}  # our future -> Dask's, lineage
        self._queued: list[tuple[Task, str, str, Future]] = []  # (task, key, lineage, ours)
        self._depth = ChunkPolicy()  # how many runs to keep queued, from measured run times
        self._current_lineage = ""
        self._verdicts: Counter[str] = Counter()  # KilledWorker verdicts per lineage
        self._worker_cores: float | None = None  # the `cores` resource of each worker
        self._fetcher = Fetcher()

    # --- the cluster ------------------------------------------------------------------
    def _ensure_started(self, task: Task) -> Any:
        if self._started is None:
            self._started = start(self.config, _worker_log_dir(task.run_dir))
            if self.config.jobqueue_class() is not None:
                from enchanted_surrogates.executors.dask_keeper import JobKeeper

                self._keeper = JobKeeper(self._started.cluster)
                slurm = self.config.jobqueue_class() == "SLURMCluster"
                self._jobs = WorkerJobs(self._started.cluster, slurm)
        return self._started.client

    @property
    def client(self) -> Any:
        """The distributed Client (None until the first run was submitted)."""
        return self._started.client if self._started else None

    @property
    def cluster(self) -> Any:
        """The cluster this executor started (None for a scheduler_address)."""
        return self._started.cluster if self._started else None

    @property
    def replaced_jobs(self) -> int:
        """How many lost batch jobs were replaced so far."""
        return self._keeper.replaced if self._keeper else 0

    def worker_slots(self) -> int:
        """Threads of the connected workers, at least the configured target, so runs queue
        in the scheduler while batch jobs wait for their nodes."""
        if self._started is None:
            return self._target
        if self._started.cluster is not None:
            # one C-level copy: the event loop thread updates this dict meanwhile
            workers = list(self._started.cluster.scheduler_info["workers"].values())
            return max(self._target, sum(int(w["nthreads"]) for w in workers))
        return max(1, self._foreign_threads())

    def _foreign_threads(self) -> int:
        """Worker threads of someone else's scheduler, asked at most once a second."""
        asked_at, threads = self._foreign_slots
        if time.monotonic() - asked_at > SCHEDULER_INFO_MAX_AGE_SEC:
            threads = sum(self._started.client.nthreads().values())
            self._foreign_slots = (time.monotonic(), threads)
        return threads

    def _cores_per_worker(self, client: Any) -> float:
        """The `cores` each worker declares: from the config, or asked once of someone
        else's scheduler."""
        if self._worker_cores is None:
            if self.config.scheduler_address is not None:
                self._worker_cores = connected_cores(client.scheduler_info()["workers"].values())
            else:
                self._worker_cores = configured_cores(
                    self.config, local_cluster_kwargs(self.config)
                )
        return self._worker_cores

    def capacity(self, eager: bool = False) -> int:
        """Free slots; while runs are short the eager queue refills only once half of its
        depth has drained, so runs reach Dask in maps of dozens rather than a few per
        result (each map is a graph update for the scheduler, as costly as many runs)."""
        free = super().capacity(eager)
        refill = (self.eager_slots() - self.worker_slots()) // 2
        if eager and self._depth.size() > 1 and free < refill:
            return 0
        return free

    def eager_slots(self) -> int:
        """Worker slots plus the queue; by default the queue deepens while runs are so
        short that the round trip to a worker would leave it idle between them."""
        slots = self.worker_slots()
        if self.config.max_pending is not None:
            return slots + self.config.max_pending
        return slots + slots * self._depth.size()

    # --- runs -------------------------------------------------------------------------
    def _submit(self, task: Task) -> Future:
        return self._send(task, lineage=None)

    def _send(self, task: Task, lineage: str | None) -> Future:
        """Queue `task` for the next `flush`; `lineage` names the submission whose
        attempts it continues.

        Returns a plain future that completes once the run's result is already here: the
        result is fetched on the client's event loop as soon as Dask reports the run done,
        many at a time, so the supervisor never waits on a round trip to a worker.
        """
        self._ensure_started(task)
        key = run_key(task, self._token, next(self._keys))
        outcome: Future = Future()
        self._runs[outcome] = (None, lineage or key)
        self._queued.append((task, key, lineage or key, outcome))
        if len(self._queued) >= SUBMIT_BATCH:
            self.flush()
        return outcome

    def flush(self) -> None:
        """Hand the queued runs to Dask: one `client.map` per set of resources they ask."""
        if not self._queued:
            return
        queued, self._queued = self._queued, []
        client = self._started.client
        cores = self._cores_per_worker(client)
        alike: dict[Any, list[tuple[Task, str, str, Future]]] = {}
        for entry in queued:
            resources = run_resources(entry[0], cores)
            alike.setdefault(tuple(sorted((resources or {}).items())), []).append(entry)
        for resources, entries in alike.items():
            runs = client.map(
                run_on_worker,
                [pack(task) for task, *_ in entries],
                [task.run_id for task, *_ in entries],
                [lineage for _, _, lineage, _ in entries],
                key=[key for _, key, _, _ in entries],
                pure=False,
                resources=dict(resources) or None,
                fifo_timeout=0,  # a later map runs after this one, as submitted
            )
            for run, (_, _, lineage, outcome) in zip(runs, entries):
                self._runs[outcome] = (run, lineage)
                done = functools.partial(self._fetcher.finished, client, outcome=outcome)
                run.add_done_callback(done)

    def collect(self, task: Task, future: Future) -> RunResult | Any:
        self._inflight.discard(future)
        run, self._current_lineage = self._runs.pop(future)
        if run is None:  # cancelled before it was handed to Dask
            return RunResult(run_id=task.run_id, status=Status.CANCELLED, error="cancelled")
        outcome = future.result()
        if isinstance(outcome, RunResult):
            self._depth.observe(outcome.runtime_sec)
            return outcome
        if run.cancelled():
            return RunResult(run_id=task.run_id, status=Status.CANCELLED, error="cancelled")
        try:
            return run.result()
        except Exception as exc:  # the engine failed to run or return the task
            return self.engine_failure(task, exc)

    def engine_failure(self, task: Task, exc: BaseException) -> RunResult | Any:
        from distributed.scheduler import KilledWorker

        if not isinstance(exc, KilledWorker):
            return super().engine_failure(task, exc)
        lineage = self._current_lineage
        starts = interrupted_starts(task.run_dir, lineage)
        self._verdicts[lineage] += 1
        if starts >= self.config.crash_attempts:
            error = (
                f"its worker died {starts} times while running it "
                "(segfault, kill -9, out of memory, or its batch job ended)"
            )
        elif starts == 0 and self._verdicts[lineage] >= self.config.crash_attempts:
            # never recorded a start: its workers died while loading it (say, a runner
            # module that crashes the process on import), so trying again cannot help
            error = (
                f"Dask gave up on it {self._verdicts[lineage]} times and it never started: "
                "its workers died while loading the run (e.g. importing the runner)"
            )
        else:
            # Dask also blamed deaths that happened while this run only waited on the worker
            return self.submit_again(task, lineage)
        del self._verdicts[lineage]
        return RunResult(run_id=task.run_id, status=Status.CRASHED, error=error)

    def submit_again(self, task: Task, lineage: str) -> Future:
        future = self._send(task, lineage)
        self._inflight.add(future)
        return future

    def _executing(self) -> set[str]:
        """Keys of the runs executing on a worker now (Dask hands runs to workers early, so
        a run a worker holds may still be waiting there)."""
        if self._started is None:
            return set()
        per_worker = self._started.client.run(executing_keys)
        return {key for keys in per_worker.values() for key in keys}

    def is_running(self, future: Future) -> bool:
        run = self._runs.get(future, (None, ""))[0]
        return run is not None and run.key in self._executing()

    def cancel(self, future: Future) -> bool:
        """Cancel a run that has not started; True if it will not be recorded. (Dask cannot
        stop a started run: one that starts in the instant between the check and the cancel
        runs to its end on the worker, and its result is dropped.)"""
        run = self._runs[future][0]
        if run is None:
            self._queued = [entry for entry in self._queued if entry[3] is not future]
            return future.cancel()
        if future.done() or run.key in self._executing():
            return False
        run.cancel()
        return True

    def cancel_all(self) -> None:
        """Withdraw every run that has not started (runs in progress go on)."""
        self._drop_queued()
        if self._started is None:
            return
        executing = self._executing()
        runs = [self._runs[f][0] for f in self._inflight if not f.done()]
        waiting = [run for run in runs if run is not None and run.key not in executing]
        if waiting:
            self._started.client.cancel(waiting)

    def _drop_queued(self) -> None:
        """Cancel the runs not yet handed to Dask."""
        queued, self._queued = self._queued, []
        for *_, outcome in queued:
            outcome.cancel()

    def job_events(self) -> list[JobEvent]:
        """Worker jobs submitted, and the accounting of those that ended, since last asked."""
        events, self._job_events = self._job_events, []
        if self._jobs is not None and self._keeper is not None:
            events += self._jobs.events(self._keeper.take_ended())
        return events

    def close(self) -> None:
        """Shut the cluster down (batch jobs are cancelled); leave a foreign scheduler up."""
        started, self._started = self._started, None
        self._drop_queued()
        if started is None:
            return
        if self._keeper is not None:
            self._keeper.stop()
        if self._jobs is not None:  # note every job's id while the cluster still has it
            self._job_events += self._jobs.events(self._keeper.take_ended())
        started.client.close()
        if started.cluster is not None:
            started.cluster.close()
        if self._jobs is not None:
            self._job_events += self._jobs.closed(self._keeper.take_ended())
            self._jobs = None
        self._keeper = None

    def abort(self) -> None:
        """Cancel every run and shut down; closing the cluster stops the running ones."""
        self._drop_queued()
        if self._started is not None and self._inflight:
            runs = [self._runs[f][0] for f in self._inflight if f in self._runs]
            self._started.client.cancel([run for run in runs if run is not None], force=True)
        self.close()

    def describe(self) -> str:
        if self.config.scheduler_address is not None:
            where = f"the scheduler at {self.config.scheduler_address}"
        elif self.config.jobqueue_class() is not None:
            scaling = (
                f"{self.config.scale_n_jobs_min}-{self.config.scale_n_jobs_max} jobs (adaptive)"
                if self.config.scale_n_jobs_min
                else f"{self.config.scale_n_jobs or 1} jobs"
            )
            where = f"a {self.config.jobqueue_class()} of {scaling}"
        else:
            where = "a LocalCluster"
        return f"DaskExecutor on {where}, {self._target} worker threads"


def run_key(task: Task, token: str, number: int) -> str:
    """The Dask key of one submission: `<runner>-<token>-<n>-<run_id>`.

    Dask groups tasks by the key's leading words (`dask.utils.key_split`, up to the
    first word that is a number or 8 hex digits, as the token always is), so every run of
    a runner shares one task group. Keys that started with the run id made a group per
    run, and the scheduler's bookkeeping walks every group on each submission
    (`is_idle` in distributed 2026.8), which made a campaign of many short runs quadratic.
    """
    group = task.runner.name.replace("-", "_") or "run"
    return f"{group}-{token}-{number}-{task.run_id}"


def _worker_log_dir(run_dir: str) -> str:
    """Batch-job worker logs go beside the campaign's own logs (base_run_dir/logs) when the
    run sits in a campaign's data folder, else into ./dask-worker-logs."""
    data = os.path.dirname(os.path.abspath(run_dir))
    if os.path.basename(data) == "data":
        return os.path.join(os.path.dirname(data), "logs", WORKER_LOGS)
    return os.path.abspath(WORKER_LOGS)
