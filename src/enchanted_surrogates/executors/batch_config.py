"""The keys of a `BatchExecutor` entry: the user's job script, how many jobs, how to stop."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, PositiveInt, model_validator

DEFAULT_TEMPLATE = """#!/bin/bash
#SBATCH --job-name={job_name}
#SBATCH --output={batch_dir}/job.out
{command}
"""


class BatchExecutorConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scheduler: Literal["slurm"] = Field(
        default="slurm", description="Which batch system's commands to use."
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
    job_name: str = Field(default="enchanted", description="Prefix of every job's name.")
    max_jobs: PositiveInt = Field(
        default=50, description="Jobs queued or running at once (the site's submission limit)."
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
            text = DEFAULT_TEMPLATE
        if "{command}" not in text:
            raise ValueError("the job-script template has no {command} placeholder")
        return text
