"""BatchExecutor: every run is a batch job of its own, rendered from the user's job script.

Jobs are submitted with SLURM's own `sbatch` and watched with `squeue`/`scontrol` from one
background thread that polls at `poll_interval`, backing off to `poll_max` while nothing
changes. A job that ends hands back the RunResult its task wrote (batch_job.py); a job that
ends without one becomes CANCELLED, TIMEOUT, MEMOUT, FAILED or CRASHED from its SLURM state.

Each run's job files live in `<run dir's parent>/.batch/<run id>/` (task, script, job
output, `job.json` with the job id), outside the run dir so the run's save_files policy
never touches them. On `--resume` a run whose job is still queued or running (or has
finished with a result) is re-attached to, not submitted again.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import pickle
import shutil
import sys
import threading
import uuid
from concurrent.futures import Future, InvalidStateError
from pathlib import Path
from typing import Any

from enchanted_surrogates.executors.base import Executor
from enchanted_surrogates.executors.batch_config import BatchExecutorConfig, scheduler_commands
from enchanted_surrogates.executors.batch_job import RESULT_FILE, TASK_FILE
from enchanted_surrogates.executors.batch_script import (
    MANIFEST,
    arrays_possible,
    render_array,
    render_single,
)
from enchanted_surrogates.executors.scheduler import JobState, Scheduler, SchedulerError
from enchanted_surrogates.runs.status import Status
from enchanted_surrogates.runs.task import RunResult, Task
from enchanted_surrogates.supervisor.policies import CampaignAborted

log = logging.getLogger("enchanted_surrogates.executors.batch")

JOB_RECORD = "job.json"
JOB_OUTPUT_LINES = 5

_STATUS_OF_STATE = {
    "CANCELLED": Status.CANCELLED,
    "TIMEOUT": Status.TIMEOUT,
    "DEADLINE": Status.TIMEOUT,
    "OUT_OF_MEMORY": Status.MEMOUT,
    "FAILED": Status.FAILED,
    "COMPLETED": Status.FAILED,  # the job script ended well but the task wrote no result
}


def batch_dir(run_dir: str) -> Path:
    """Where the job files of the run in `run_dir` live."""
    path = Path(run_dir)
    return path.parent / ".batch" / path.name


class BatchExecutor(Executor):
    """One batch job per run, or one job array for many runs, watched through the scheduler."""

    Config = BatchExecutorConfig

    def __init__(self, **kwargs: Any) -> None:
        super().__init__()
        self.config = BatchExecutorConfig(**kwargs)
        self._template = self.config.template()
        self._scheduler: Scheduler = scheduler_commands(self.config.scheduler)
        self._arrays = self.config.array_size > 1 and arrays_possible(
            self._template, self._scheduler.DIRECTIVE
        )
        self._array_cap: int | None = None
        self._buffer: list[tuple[Task, Future]] = []  # waiting for flush() to be submitted
        self._jobs: dict[str, tuple[Task, Future]] = {}  # job id -> its task and future
        self._job_of: dict[Future, str] = {}
        self._running: set[str] = set()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._poller: threading.Thread | None = None

    def worker_slots(self) -> int:
        return self.config.max_jobs

    def describe(self) -> str:
        arrays = f", arrays of up to {self.config.array_size}" if self._arrays else ""
        return (
            f"BatchExecutor ({self.config.scheduler}) with up to {self.config.max_jobs} jobs"
            f"{arrays}"
        )

    # --- submission -------------------------------------------------------------------
    def reattaches(self, run_dir: str, attempt: int) -> bool:
        """Does this run have a job from an earlier supervisor to re-attach to (so its run
        dir must be kept)? True while the job is queued or running, or left a result."""
        record = self._record(run_dir)
        if record is None or record.get("attempt") != attempt:
            return False
        if (batch_dir(run_dir) / RESULT_FILE).exists():
            return True
        state = self._scheduler.states([record["job_id"]])[record["job_id"]]
        return state.active

    def _record(self, run_dir: str) -> dict[str, Any] | None:
        try:
            return json.loads((batch_dir(run_dir) / JOB_RECORD).read_text())
        except (OSError, ValueError):
            return None

    def _submit(self, task: Task) -> Future:
        """Re-attach to the run's earlier job, or queue the run for the next submission."""
        future: Future = Future()
        record = self._record(task.run_dir)
        if record is not None and self.reattaches(task.run_dir, task.attempt):
            log.info("run %s: re-attaching to batch job %s", task.run_id, record["job_id"])
            self._watch(task, future, record["job_id"])
            return future
        self._buffer.append((task, future))
        if len(self._buffer) >= self._cap():
            self.flush()
        return future

    def flush(self) -> None:
        """Submit the queued runs: as arrays of runs with the same request, or one by one."""
        waiting, self._buffer = self._buffer, []
        if not self._arrays:
            for task, future in waiting:
                self._watch(task, future, self._sbatch(task))
            return
        groups: dict[tuple[str, ...], list[tuple[Task, Future]]] = {}
        for task, future in waiting:
            groups.setdefault(tuple(self._resources(task)), []).append((task, future))
        cap = self._cap()
        for group in groups.values():
            for start in range(0, len(group), cap):
                chunk = group[start : start + cap]
                if len(chunk) == 1:
                    self._watch(*chunk[0], self._sbatch(chunk[0][0]))
                else:
                    self._submit_array(chunk)

    def _cap(self) -> int:
        """Runs per array: `array_size`, within the site's largest array."""
        if not self._arrays:
            return 1
        if self._array_cap is None:
            site = self._scheduler.max_array_size()
            self._array_cap = min(self.config.array_size, site or self.config.array_size)
        return self._array_cap

    def _watch(self, task: Task, future: Future, job_id: str) -> None:
        with self._lock:
            self._jobs[job_id] = (task, future)
            self._job_of[future] = job_id
        self._inform(task, {"job_id": job_id, "scheduler": self.config.scheduler})
        self._ensure_poller()
        self._wake.set()

    def _prepare(self, task: Task) -> Path:
        """A fresh batch dir holding the task, and the run dir the job starts in."""
        folder = batch_dir(task.run_dir)
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        with open(folder / TASK_FILE, "wb") as handle:
            pickle.dump(task, handle)
        os.makedirs(task.run_dir, exist_ok=True)
        return folder

    def _command(self) -> list[str]:
        """What a job runs, less the batch dir it is given."""
        python = self.config.python or sys.executable
        return [python, "-m", "enchanted_surrogates.executors.batch_job"]

    def _sbatch(self, task: Task) -> str:
        folder = self._prepare(task)
        script = folder / "job.sh"
        job_name = f"{self.config.job_name}-{task.run_id}"
        script.write_text(
            render_single(
                self._template, self._command(), task.run_dir, task.run_id, job_name, folder
            )
        )
        args = [
            *self._scheduler.workdir_args(task.run_dir),
            *self._resources(task),
            *self.config.submit_args(),
        ]
        try:
            job_id = self._scheduler.submit(str(script), args)
        except SchedulerError as exc:
            raise CampaignAborted(f"run {task.run_id}: {exc}") from exc
        _write_record(folder, job_id, task)
        return job_id

    def _submit_array(self, chunk: list[tuple[Task, Future]]) -> None:
        """One array job for these runs: task N runs line N of the array's manifest."""
        first = chunk[0][0]
        array_dir = Path(first.run_dir).parent / ".batch" / f"array-{uuid.uuid4().hex[:8]}"
        array_dir.mkdir(parents=True)
        folders = [self._prepare(task) for task, _ in chunk]
        for index, folder in enumerate(folders):
            (array_dir / str(index)).symlink_to(folder, target_is_directory=True)
        (array_dir / MANIFEST).write_text("".join(f"{task.run_dir}\n" for task, _ in chunk))
        script = array_dir / "job.sh"
        script.write_text(
            render_array(
                self._template,
                self._command(),
                f"{self.config.job_name}-array-{first.run_id}",
                array_dir,
                self._scheduler.ARRAY_INDEX_VAR,
                self._scheduler.ARRAY_INDEX_PATTERN,
            )
        )
        args = [
            *self._scheduler.workdir_args(str(array_dir)),
            *self._resources(first),
            *self.config.submit_args(),
        ]
        try:
            array_id = self._scheduler.submit(
                str(script), args, len(chunk), self.config.array_limit or 0
            )
        except SchedulerError as exc:
            runs = f"runs {first.run_id} .. {chunk[-1][0].run_id}"
            raise CampaignAborted(f"{runs}: {exc}") from exc
        log.info("submitted %d runs as array job %s", len(chunk), array_id)
        for index, ((task, future), folder) in enumerate(zip(chunk, folders)):
            job_id = self._scheduler.array_task_id(array_id, index)
            _write_record(folder, job_id, task, array=array_id)
            self._watch(task, future, job_id)

    def _resources(self, task: Task) -> list[str]:
        """The job's request from what the run declares (a CommandRunner `launcher`)."""
        launcher = task.runner.kwargs.get("launcher")
        if not isinstance(launcher, dict):
            return []
        return self._scheduler.resource_args(
            int(launcher.get("ranks", 1)),
            int(launcher.get("threads", 1)),
            int(launcher.get("gpus") or 0),
        )

    # --- watching -----------------------------------------------------------------------
    def _ensure_poller(self) -> None:
        if self._poller is None or not self._poller.is_alive():
            self._poller = threading.Thread(target=self._poll, name="batch-poller", daemon=True)
            self._poller.start()

    def _poll(self) -> None:
        interval = self.config.poll_interval
        while not self._stopping.is_set():
            self._wake.wait(interval)
            self._wake.clear()
            if self._stopping.is_set():
                return
            with self._lock:
                watched = list(self._jobs)
            if not watched:
                continue
            try:
                states = self._scheduler.states(watched)
            except SchedulerError as exc:
                log.warning("could not ask the scheduler about the jobs: %s", exc)
                interval = min(interval * 2, self.config.poll_max)
                continue
            changed = self._update(states)
            interval = (
                self.config.poll_interval if changed else min(interval * 2, self.config.poll_max)
            )

    def _update(self, states: dict[str, JobState]) -> bool:
        changed = False
        for job_id, state in states.items():
            if state.active:
                if state.state == "RUNNING" and job_id not in self._running:
                    self._running.add(job_id)
                    changed = True
                continue
            with self._lock:
                task, future = self._jobs.pop(job_id, (None, None))
            if task is None:
                continue
            self._running.discard(job_id)
            changed = True
            result = self._outcome(task, job_id, state)
            result.job_accounting = self._scheduler.job_accounting(job_id)
            _settle(future, result)
        return changed

    def _outcome(self, task: Task, job_id: str, state: JobState) -> RunResult:
        folder = batch_dir(task.run_dir)
        try:
            with open(folder / RESULT_FILE, "rb") as handle:
                return pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError):
            pass
        status = _STATUS_OF_STATE.get(state.state or "", Status.CRASHED)
        what = state.state or "vanished from the scheduler"
        error = f"batch job {job_id} {what} (exit code {state.exit_code or '?'}) without a result"
        tail = _tail(folder / "job.out")
        if tail:
            error += f"; job output ends: {tail.splitlines()[-1]}"
        return RunResult(run_id=task.run_id, status=status, error=error, traceback=tail)

    def is_running(self, future: Any) -> bool:
        return self._job_of.get(future) in self._running

    # --- stopping -----------------------------------------------------------------------
    def cancel(self, future: Future) -> bool:
        queued = [entry for entry in self._buffer if entry[1] is future]
        if queued:  # not submitted yet
            self._buffer.remove(queued[0])
            return future.cancel()
        job_id = self._job_of.get(future)
        if job_id is None or job_id in self._running:
            return False
        with self._lock:
            self._jobs.pop(job_id, None)
        self._scheduler.cancel([job_id])
        return future.cancel()

    def cancel_all(self) -> None:
        """Withdraw the jobs that have not started; running ones go on."""
        for future in [*list(self._job_of), *[future for _, future in self._buffer]]:
            if not future.done():
                self.cancel(future)

    def close(self) -> None:
        self._stopping.set()
        self._wake.set()

    def abort(self) -> None:
        """Stop watching; `on_stop` says whether the jobs are cancelled or left running."""
        self._buffer.clear()
        with self._lock:
            jobs = list(self._jobs)
            self._jobs.clear()
        if self.config.on_stop == "cancel":
            self._scheduler.cancel(jobs)
        elif jobs:
            log.warning(
                "left %d batch jobs queued or running (on_stop: leave); --resume re-attaches",
                len(jobs),
            )
        self.close()


def _tail(path: Path) -> str:
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return ""
    return "\n".join(lines[-JOB_OUTPUT_LINES:])


def _write_record(folder: Path, job_id: str, task: Task, array: str | None = None) -> None:
    """job.json: which job runs this attempt, read back on resume to re-attach to it."""
    record = {"job_id": job_id, "run_id": task.run_id, "attempt": task.attempt}
    if array is not None:
        record["array_job"] = array
    (folder / JOB_RECORD).write_text(json.dumps(record))


def _settle(future: Future, result: RunResult) -> None:
    with contextlib.suppress(InvalidStateError):  # cancelled meanwhile: not wanted
        future.set_result(result)
