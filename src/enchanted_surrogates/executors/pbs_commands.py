"""PBS Professional / OpenPBS commands, as the batch executor uses them: qsub, qstat, qdel.

The `Scheduler` protocol of scheduler.py for `scheduler: pbs`. Job states and accounting
come from `qstat -x -f -F json` (finished jobs included, as the server keeps its job
history), translated into SLURM's state names. Array jobs are `qsub -J 0-N`; their tasks
are the subjobs `1234[5].server`. Only tested against fake qsub/qstat/qdel that print
what PBS prints (tests/helpers/fake_pbs); SLURM's commands are tested for real.
"""

from __future__ import annotations

import json
from typing import Any

from enchanted_surrogates.executors.scheduler import JobState, SchedulerError, message, run
from enchanted_surrogates.executors.slurm_accounting import slurm_seconds

ARRAY_INDEX_VAR = "PBS_ARRAY_INDEX"
ARRAY_INDEX_PATTERN = "^array_index^"
DIRECTIVE = "#PBS"

# PBS's own exit codes for jobs it killed (openpbs src/include/job.h)
_KILLED_FOR_MEMORY = {-26, -27}  # JOB_EXEC_KILL_VMEM, JOB_EXEC_KILL_MEM
_KILLED_FOR_WALLTIME = -29  # JOB_EXEC_KILL_WALLTIME
_SIGTERM_EXIT = 256 + 15  # qdel of a running job
_ACTIVE = {"Q": "PENDING", "H": "PENDING", "W": "PENDING", "T": "PENDING", "M": "PENDING"}
_RUNNING = {"R", "E", "B", "S", "U"}
_MEM_UNITS = {"b": 1 / 1024**2, "kb": 1 / 1024, "mb": 1.0, "gb": 1024.0, "tb": 1024.0**2}


def submit(script: str, extra_args: list[str], array_size: int = 0, array_limit: int = 0) -> str:
    """Submit a job script; returns the job id (or raises with qsub's message)."""
    array = []
    if array_size:
        array = ["-J", f"0-{array_size - 1}"]
        if array_limit:
            array += ["-W", f"max_run_subjobs={array_limit}"]
    done = run(["qsub", *array, *extra_args, script])
    if done.returncode != 0:
        raise SchedulerError(f"qsub failed: {message(done)}")
    job_id = done.stdout.strip()
    if not job_id:
        raise SchedulerError(f"qsub printed no job id: {message(done)}")
    return job_id


def array_task_id(job_id: str, index: int) -> str:
    """`1234[].server` -> `1234[5].server`."""
    return job_id.replace("[]", f"[{index}]", 1)


def _jobs(job_ids: list[str]) -> dict[str, dict[str, Any]]:
    """qstat's full record of each job it knows (unknown ids only cost a stderr line)."""
    done = run(["qstat", "-x", "-f", "-F", "json", *job_ids])
    try:
        return json.loads(done.stdout or "{}").get("Jobs", {})
    except ValueError as exc:
        raise SchedulerError(f"qstat printed no JSON: {message(done)}") from exc


def _state(record: dict[str, Any]) -> JobState:
    letter = str(record.get("job_state", ""))
    if letter in _ACTIVE:
        return JobState(_ACTIVE[letter], reason=str(record.get("comment", "")))
    if letter in _RUNNING:
        return JobState("RUNNING")
    exit_status = record.get("Exit_status")
    comment = str(record.get("comment", ""))
    if exit_status is None:  # deleted before it ran
        return JobState("CANCELLED", reason=comment)
    code = int(exit_status)
    if code == 0:
        state = "COMPLETED"
    elif code == _KILLED_FOR_WALLTIME or "walltime" in comment.lower():
        state = "TIMEOUT"
    elif code in _KILLED_FOR_MEMORY:
        state = "OUT_OF_MEMORY"
    elif code == _SIGTERM_EXIT:
        state = "CANCELLED"
    else:
        state = "FAILED"
    return JobState(state, exit_code=str(code), reason=comment)


def states(job_ids: list[str]) -> dict[str, JobState]:
    """The state of each job or subjob; ones PBS has forgotten map to JobState(None)."""
    if not job_ids:
        return {}
    found = _jobs(job_ids)
    return {job: _state(found[job]) if job in found else JobState(None) for job in job_ids}


def cancel(job_ids: list[str]) -> None:
    """Delete jobs or subjobs; one that already ended is not an error."""
    if job_ids:
        run(["qdel", *job_ids])


def _mem_mb(text: str) -> float | None:
    text = str(text).strip().lower()
    digits = text.rstrip("kmgtb")
    unit = _MEM_UNITS.get(text[len(digits) :] or "b")
    try:
        return float(digits) * unit if unit else None
    except ValueError:
        return None


def job_accounting(job_id: str) -> dict[str, Any]:
    """resources_used of a finished job (walltime, cput, mem) as qstat -x reports it."""
    try:
        record = _jobs([job_id]).get(job_id)
    except SchedulerError:
        return {}
    if record is None:
        return {}
    used = record.get("resources_used", {})
    return {
        "job_id": job_id,
        "source": "qstat",
        "state": _state(record).state,
        "elapsed_sec": slurm_seconds(str(used.get("walltime", ""))),
        "cpu_sec": slurm_seconds(str(used.get("cput", ""))),
        "max_rss_mb": _mem_mb(used["mem"]) if "mem" in used else None,
    }


def workdir_args(path: str) -> list[str]:
    return []  # PBS starts jobs in $HOME; the rendered script changes directory itself


def resource_args(ranks: int, threads: int, gpus: int) -> list[str]:
    chunk = f"select=1:ncpus={ranks * threads}:mpiprocs={ranks}:ompthreads={threads}"
    return ["-l", chunk + (f":ngpus={gpus}" if gpus else "")]


def max_array_size() -> int | None:
    """The server's max_array_size (`qstat -B -f -F json`), if it says."""
    try:
        done = run(["qstat", "-B", "-f", "-F", "json"])
        servers = json.loads(done.stdout or "{}").get("Server", {})
    except (SchedulerError, ValueError):
        return None
    sizes = [int(s["max_array_size"]) for s in servers.values() if "max_array_size" in s]
    return min(sizes) if sizes else None
