"""What the batch executor needs from a batch system, whichever one it is.

One module per scheduler (slurm_commands.py, pbs_commands.py) implements `Scheduler` with
the system's own command-line tools; the executor never parses a scheduler's output
itself. Job states are reported in SLURM's vocabulary (PENDING, RUNNING, COMPLETED,
FAILED, CANCELLED, TIMEOUT, OUT_OF_MEMORY, ...) so one table maps them to run statuses.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from typing import Any, Protocol

COMMAND_TIMEOUT = 60.0

# job states that end a job, mapped by the executor to a run status
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
    """A scheduler command failed; the message is the scheduler's own."""


@dataclass(frozen=True)
class JobState:
    """What the scheduler says about one job; `state` is None when it no longer knows it."""

    state: str | None
    exit_code: str = ""
    reason: str = ""

    @property
    def active(self) -> bool:
        return self.state is not None and self.state not in FINAL_STATES


class Scheduler(Protocol):
    """The commands of one batch system (a module implementing these names)."""

    #: the environment variable holding an array task's index inside the job
    ARRAY_INDEX_VAR: str
    #: what the scheduler replaces by the array task's index in an output file's path
    ARRAY_INDEX_PATTERN: str
    #: the option lines of a job script start with this (`#SBATCH`, `#PBS`)
    DIRECTIVE: str

    def submit(
        self, script: str, extra_args: list[str], array_size: int = 0, array_limit: int = 0
    ) -> str:
        """Submit a script; its job id. With `array_size` > 0 an array of that many tasks
        (indices 0..array_size-1), at most `array_limit` of them running at once if > 0."""

    def array_task_id(self, job_id: str, index: int) -> str:
        """The id of one task of an array job, as `states` and `cancel` accept it."""

    def states(self, job_ids: list[str]) -> dict[str, JobState]:
        """The state of each job or array task."""

    def cancel(self, job_ids: list[str]) -> None:
        """Cancel jobs or array tasks; one that already ended is not an error."""

    def job_accounting(self, job_id: str) -> dict[str, Any]:
        """The scheduler's figures of a finished job; `{}` when it has none."""

    def workdir_args(self, path: str) -> list[str]:
        """The submit options that start the job in `path` (none where there are none)."""

    def resource_args(self, ranks: int, threads: int, gpus: int) -> list[str]:
        """The submit options that request what one run declares."""

    def max_array_size(self) -> int | None:
        """The site's largest array (tasks per array job), if the scheduler says so."""


def run(args: list[str]) -> subprocess.CompletedProcess:
    """Run one scheduler command with a timeout, so a dead controller is an error."""
    try:
        return subprocess.run(
            args, capture_output=True, text=True, timeout=COMMAND_TIMEOUT, check=False
        )
    except FileNotFoundError as exc:
        raise SchedulerError(f"{args[0]} not found on PATH: {exc}") from exc
    except subprocess.TimeoutExpired as exc:
        raise SchedulerError(f"{args[0]} did not answer within {COMMAND_TIMEOUT:.0f} s") from exc


def message(done: subprocess.CompletedProcess) -> str:
    """A failed command's own words (stderr, else stdout, else its exit status)."""
    text = (done.stderr or done.stdout or "").strip()
    return text or f"exit status {done.returncode}"
