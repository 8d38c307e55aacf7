"""SLURM's own commands, as the batch executor uses them: sbatch, squeue, scontrol, scancel.

Nothing here schedules anything; it only asks SLURM and turns its answers into Python
(the `Scheduler` protocol of scheduler.py). Every call has a timeout, so an unresponsive
controller is an error, never a hang. Array tasks are addressed as `JOBID_INDEX`, the
form squeue, scontrol and scancel all accept.
"""

from __future__ import annotations

from enchanted_surrogates.executors.scheduler import (
    FINAL_STATES,
    JobState,
    SchedulerError,
    message,
    run,
)
from enchanted_surrogates.executors.slurm_accounting import job_accounting

__all__ = ["FINAL_STATES", "JobState", "SchedulerError", "job_accounting"]

ARRAY_INDEX_VAR = "SLURM_ARRAY_TASK_ID"
ARRAY_INDEX_PATTERN = "%a"
DIRECTIVE = "#SBATCH"


def submit(script: str, extra_args: list[str], array_size: int = 0, array_limit: int = 0) -> str:
    """Submit a job script; returns the job id (or raises with sbatch's message)."""
    array = []
    if array_size:
        array = [f"--array=0-{array_size - 1}" + (f"%{array_limit}" if array_limit else "")]
    done = run(["sbatch", "--parsable", *array, *extra_args, script])
    if done.returncode != 0:
        raise SchedulerError(f"sbatch failed: {message(done)}")
    job_id = done.stdout.strip().split(";")[0]
    if not job_id:
        raise SchedulerError(f"sbatch printed no job id: {message(done)}")
    return job_id


def array_task_id(job_id: str, index: int) -> str:
    return f"{job_id}_{index}"


def states(job_ids: list[str]) -> dict[str, JobState]:
    """The state of each job or array task; ones SLURM has forgotten map to JobState(None)."""
    found: dict[str, JobState] = {}
    if not job_ids:
        return found
    # -r: one line per array task, so pending tasks are not folded into `123_[4-9]`
    done = run(["squeue", "-h", "-r", "-j", ",".join(job_ids), "-o", "%i|%T|%r", "-t", "all"])
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
    done = run(["scontrol", "show", "job", "-o", job_id])
    if done.returncode != 0:
        return JobState(None)
    fields = dict(
        item.split("=", 1)
        for item in done.stdout.split()
        if "=" in item and not item.startswith("=")
    )
    return JobState(fields.get("JobState"), fields.get("ExitCode", ""), fields.get("Reason", ""))


def cancel(job_ids: list[str]) -> None:
    """Cancel jobs or array tasks; a job that already ended is not an error."""
    if job_ids:
        run(["scancel", *job_ids])


def workdir_args(path: str) -> list[str]:
    return ["--chdir", path]


def resource_args(ranks: int, threads: int, gpus: int) -> list[str]:
    request = [f"--ntasks={ranks}", f"--cpus-per-task={threads}"]
    if gpus:
        request.append(f"--gpus={gpus}")
    return request


def max_array_size() -> int | None:
    """MaxArraySize of `scontrol show config`: array indices must stay below it."""
    try:
        done = run(["scontrol", "show", "config"])
    except SchedulerError:
        return None
    for line in done.stdout.splitlines():
        key, _, value = line.partition("=")
        if key.strip() == "MaxArraySize" and value.strip().isdigit():
            return int(value.strip())
    return None
