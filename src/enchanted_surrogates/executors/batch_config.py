"""The keys of a `BatchExecutor` entry: the user's job script, how many jobs, how to stop."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, PositiveInt, model_validator

if TYPE_CHECKING:
    from enchanted_surrogates.executors.scheduler import Scheduler

DEFAULT_TEMPLATE = """#!/bin/bash
#SBATCH --job-name={job_name}
#SBATCH --output={batch_dir}/job.out
{command}
"""

DEFAULT_PBS_TEMPLATE = """#!/bin/bash
#PBS -N {job_name}
#PBS -j oe
#PBS -o {batch_dir}/job.out
{command}
"""

_COMMANDS = {
    "slurm": "enchanted_surrogates.executors.slurm_commands",
    "pbs": "enchanted_surrogates.executors.pbs_commands",
}


def scheduler_commands(name: str) -> Scheduler:
    """The module speaking to the batch system `name` (see scheduler.py)."""
    return importlib.import_module(_COMMANDS[name])  # type: ignore[return-value]


class BatchExecutorConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scheduler: Literal["slurm", "pbs"] = Field(
        default="slurm",
        description="Which batch system's commands to use: SLURM's sbatch/squeue/scontrol/"
        "scancel, or PBS's qsub/qstat/qdel.",
    )
    job_script: str | None = Field(
        default=None,
        description="Path of the job-script template (an sbatch file); the placeholders "
        "{command}, {run_dir}, {run_id}, {job_name} and {batch_dir} are filled in per run.",
    )
    job_script_text: str | None = Field(
        default=None, description="The job-script template inline, instead of `job_script`."
    )
    sbatch_args: list[str] = Field(
        default_factory=list,
        description="Extra sbatch options for every job, e.g. ['--partition=debug'].",
    )
    qsub_args: list[str] = Field(
        default_factory=list,
        description="Extra qsub options for every job with `scheduler: pbs`, e.g. "
        "['-q', 'workq', '-A', 'project'].",
    )
    job_name: str = Field(default="enchanted", description="Prefix of every job's name.")
    max_jobs: PositiveInt = Field(
        default=50, description="Jobs queued or running at once (the site's submission limit)."
    )
    array_size: PositiveInt = Field(
        default=100,
        description="Most runs submitted together as one job array (sbatch --array, qsub "
        "-J); capped by the site's MaxArraySize. 1 submits one job per run.",
    )
    array_limit: PositiveInt | None = Field(
        default=None,
        description="At most this many tasks of one array run at once (sbatch --array=...%N,"
        " qsub -W max_run_subjobs=N); default no limit beyond max_jobs.",
    )
    poll_interval: PositiveFloat = Field(
        default=5.0, description="Seconds between the first scheduler polls after a change."
    )
    poll_max: PositiveFloat = Field(
        default=60.0, description="The polling interval backs off up to this many seconds."
    )
    on_stop: Literal["leave", "cancel"] = Field(
        default="leave",
        description="On SIGTERM/Ctrl-C: 'leave' the jobs running (--resume re-attaches to "
        "them) or 'cancel' them with scancel.",
    )
    python: str | None = Field(
        default=None,
        description="The Python that runs a task inside the job; default: the one running "
        "the campaign.",
    )

    @model_validator(mode="after")
    def _one_template(self) -> BatchExecutorConfig:
        if self.job_script and self.job_script_text:
            raise ValueError("give job_script or job_script_text, not both")
        other = {"slurm": "qsub_args", "pbs": "sbatch_args"}[self.scheduler]
        if getattr(self, other):
            raise ValueError(f"{other} does not apply to scheduler: {self.scheduler}")
        self.template()
        return self

    def template(self) -> str:
        """The job-script template text, with {command} required in it."""
        if self.job_script_text is not None:
            text = self.job_script_text
        elif self.job_script:
            try:
                with open(self.job_script) as handle:
                    text = handle.read()
            except OSError as exc:
                raise ValueError(f"cannot read the job script: {exc}") from exc
        else:
            text = DEFAULT_PBS_TEMPLATE if self.scheduler == "pbs" else DEFAULT_TEMPLATE
        if "{command}" not in text:
            raise ValueError("the job-script template has no {command} placeholder")
        return text

    def submit_args(self) -> list[str]:
        """The user's extra options of the scheduler's submit command."""
        return self.qsub_args if self.scheduler == "pbs" else self.sbatch_args
