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
import shlex
import shutil
import sys
import threading
from concurrent.futures import Future, InvalidStateError
from pathlib import Path
from typing import Any

from enchanted_surrogates.executors import slurm_commands as slurm
from enchanted_surrogates.executors.base import Executor
from enchanted_surrogates.executors.batch_config import BatchExecutorConfig
from enchanted_surrogates.executors.batch_job import RESULT_FILE, TASK_FILE
from enchanted_surrogates.executors.slurm_accounting import job_accounting
from enchanted_surrogates.status import Status
from enchanted_surrogates.supervisor.policies import CampaignAborted
from enchanted_surrogates.task import RunResult, Task

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
    """One batch job per run, submitted with sbatch and watched through the scheduler."""

    Config = BatchExecutorConfig

    def __init__(self, **kwargs: Any) -> None:
        super().__init__()
        self.config = BatchExecutorConfig(**kwargs)
        self._template = self.config.template()
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
        return f"BatchExecutor ({self.config.scheduler}) with up to {self.config.max_jobs} jobs"

    # --- submission -------------------------------------------------------------------
    def reattaches(self, run_dir: str, attempt: int) -> bool:
        """Does this run have a job from an earlier supervisor to re-attach to (so its run
        dir must be kept)? True while the job is queued or running, or left a result."""
        record = self._record(run_dir)
        if record is None or record.get("attempt") != attempt:
            return False
        if (batch_dir(run_dir) / RESULT_FILE).exists():
            return True
        state = slurm.states([record["job_id"]])[record["job_id"]]
        return state.active

    def _record(self, run_dir: str) -> dict[str, Any] | None:
        try:
            return json.loads((batch_dir(run_dir) / JOB_RECORD).read_text())
        except (OSError, ValueError):
            return None

    def _submit(self, task: Task) -> Future:
        future: Future = Future()
        record = self._record(task.run_dir)
        if record is not None and self.reattaches(task.run_dir, task.attempt):
            job_id = record["job_id"]
            log.info("run %s: re-attaching to batch job %s", task.run_id, job_id)
        else:
            job_id = self._sbatch(task)
        with self._lock:
            self._jobs[job_id] = (task, future)
            self._job_of[future] = job_id
        self._ensure_poller()
        self._wake.set()
        return future

    def _sbatch(self, task: Task) -> str:
        folder = batch_dir(task.run_dir)
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        with open(folder / TASK_FILE, "wb") as handle:
            pickle.dump(task, handle)
        script = folder / "job.sh"
        script.write_text(self._render(task, folder))
        os.makedirs(task.run_dir, exist_ok=True)
        try:
            args = ["--chdir", task.run_dir, *_resources(task), *self.config.sbatch_args]
            job_id = slurm.submit(str(script), args)
        except slurm.SchedulerError as exc:
            raise CampaignAborted(f"run {task.run_id}: {exc}") from exc
        (folder / JOB_RECORD).write_text(
            json.dumps({"job_id": job_id, "run_id": task.run_id, "attempt": task.attempt})
        )
        return job_id

    def _render(self, task: Task, folder: Path) -> str:
        command = shlex.join(
            [
                self.config.python or sys.executable,
                "-m",
                "enchanted_surrogates.executors.batch_job",
                str(folder),
            ]
        )
        values = {
            "{command}": command,
            "{run_dir}": task.run_dir,
            "{run_id}": task.run_id,
            "{job_name}": f"{self.config.job_name}-{task.run_id}",
            "{batch_dir}": str(folder),
        }
        text = self._template
        for placeholder, value in values.items():  # plain replacement: shell ${...} stays
            text = text.replace(placeholder, value)
        return text

    def job_info(self, future: Any) -> dict[str, Any]:
        """What the journal records about the job behind a future."""
        job_id = self._job_of.get(future)
        return {"job_id": job_id, "scheduler": self.config.scheduler} if job_id else {}

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
                states = slurm.states(watched)
            except slurm.SchedulerError as exc:
                log.warning("could not ask the scheduler about the jobs: %s", exc)
                interval = min(interval * 2, self.config.poll_max)
                continue
            changed = self._update(states)
            interval = (
                self.config.poll_interval if changed else min(interval * 2, self.config.poll_max)
            )

    def _update(self, states: dict[str, slurm.JobState]) -> bool:
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
            result.job_accounting = job_accounting(job_id)
            _settle(future, result)
        return changed

    def _outcome(self, task: Task, job_id: str, state: slurm.JobState) -> RunResult:
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
        job_id = self._job_of.get(future)
        if job_id is None or job_id in self._running:
            return False
        with self._lock:
            self._jobs.pop(job_id, None)
        slurm.cancel([job_id])
        return future.cancel()

    def cancel_all(self) -> None:
        """Withdraw the jobs that have not started; running ones go on."""
        for future in list(self._job_of):
            if not future.done():
                self.cancel(future)

    def close(self) -> None:
        self._stopping.set()
        self._wake.set()

    def abort(self) -> None:
        """Stop watching; `on_stop` says whether the jobs are cancelled or left running."""
        with self._lock:
            jobs = list(self._jobs)
            self._jobs.clear()
        if self.config.on_stop == "cancel":
            slurm.cancel(jobs)
        elif jobs:
            log.warning(
                "left %d batch jobs queued or running (on_stop: leave); --resume re-attaches",
                len(jobs),
            )
        self.close()


def _resources(task: Task) -> list[str]:
    """The job's request from what the run declares (a CommandRunner `launcher`)."""
    launcher = task.runner.kwargs.get("launcher")
    if not isinstance(launcher, dict):
        return []
    request = [
        f"--ntasks={launcher.get('ranks', 1)}",
        f"--cpus-per-task={launcher.get('threads', 1)}",
    ]
    if launcher.get("gpus"):
        request.append(f"--gpus={launcher['gpus']}")
    return request


def _tail(path: Path) -> str:
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return ""
    return "\n".join(lines[-JOB_OUTPUT_LINES:])


def _settle(future: Future, result: RunResult) -> None:
    with contextlib.suppress(InvalidStateError):  # cancelled meanwhile: not wanted
        future.set_result(result)
