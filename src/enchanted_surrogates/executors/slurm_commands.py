"""SLURM's own commands, as the batch executor uses them: sbatch, squeue, scontrol, scancel.

Nothing here schedules anything; it only asks SLURM and turns its answers into Python.
Every call has a timeout, so an unresponsive controller is an error, never a hang.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass

COMMAND_TIMEOUT = 60.0

# SLURM job states that end a job, mapped by the executor to a run status
FINAL_STATES = {
    "COMPLETED",
    "FAILED",
    "CANCELLED",
    "TIMEOUT",
    "NODE_FAIL",
    "PREEMPTED",
    "OUT_OF_MEMORY",
    "BOOT_FAIL",
    "DEADLINE",
}


class SchedulerError(Exception):
    """A SLURM command failed; the message is the scheduler's own."""


@dataclass(frozen=True)
class JobState:
    """What SLURM says about one job; `state` is None when SLURM no longer knows it."""

    state: str | None
    exit_code: str = ""
    reason: str = ""

    @property
    def active(self) -> bool:
        return self.state is not None and self.state not in FINAL_STATES


def _run(args: list[str]) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(
            args, capture_output=True, text=True, timeout=COMMAND_TIMEOUT, check=False
        )
    except FileNotFoundError as exc:
        raise SchedulerError(f"{args[0]} not found on PATH: {exc}") from exc
    except subprocess.TimeoutExpired as exc:
        raise SchedulerError(f"{args[0]} did not answer within {COMMAND_TIMEOUT:.0f} s") from exc


def _message(done: subprocess.CompletedProcess) -> str:
    text = (done.stderr or done.stdout or "").strip()
    return text or f"exit status {done.returncode}"


def submit(script: str, extra_args: list[str]) -> str:
    """Submit a job script; returns the job id (or raises with sbatch's message)."""
    done = _run(["sbatch", "--parsable", *extra_args, script])
    if done.returncode != 0:
        raise SchedulerError(f"sbatch failed: {_message(done)}")
    job_id = done.stdout.strip().split(";")[0]
    if not job_id:
        raise SchedulerError(f"sbatch printed no job id: {_message(done)}")
    return job_id


def states(job_ids: list[str]) -> dict[str, JobState]:
    """The state of each job; jobs SLURM has forgotten map to JobState(None)."""
    found: dict[str, JobState] = {}
    if not job_ids:
        return found
    done = _run(["squeue", "-h", "-j", ",".join(job_ids), "-o", "%i|%T|%r", "-t", "all"])
    if done.returncode == 0:
        for line in done.stdout.splitlines():
            parts = line.strip().split("|")
            if len(parts) == 3 and parts[1] not in FINAL_STATES:
                found[parts[0]] = JobState(parts[1], reason=parts[2])
    for job_id in job_ids:
        if job_id not in found:
            found[job_id] = _final_state(job_id)
    return found


def _final_state(job_id: str) -> JobState:
    """A finished job's state from `scontrol show job` (works without slurmdbd)."""
    done = _run(["scontrol", "show", "job", "-o", job_id])
    if done.returncode != 0:
        return JobState(None)
    fields = dict(
        item.split("=", 1)
        for item in done.stdout.split()
        if "=" in item and not item.startswith("=")
    )
    return JobState(fields.get("JobState"), fields.get("ExitCode", ""), fields.get("Reason", ""))


def cancel(job_ids: list[str]) -> None:
    """Cancel jobs; a job that already ended is not an error."""
    if job_ids:
        _run(["scancel", *job_ids])
