"""The keys of a `DaskExecutor` entry: which cluster, how many jobs, how failures count.

Kept apart from the executor so `enchanted validate` can check a config (and name the
missing extra) without importing dask.
"""

from __future__ import annotations

import importlib.util
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, PositiveInt, model_validator

JOBQUEUE_CLASSES = {
    "slurm": "SLURMCluster",
    "pbs": "PBSCluster",
    "sge": "SGECluster",
    "lsf": "LSFCluster",
    "htcondor": "HTCondorCluster",
    "moab": "MoabCluster",
    "oar": "OARCluster",
}

CLUSTER_KEYS = (
    "LocalCluster_config",
    "scheduler_address",
    "SLURMcluster_config",
    "PBScluster_config",
    "jobqueue",
)


class JobqueueConfig(BaseModel):
    """`jobqueue:`: a dask-jobqueue cluster of any kind; every other key goes to its class."""

    model_config = ConfigDict(extra="allow")

    cluster: Literal["slurm", "pbs", "sge", "lsf", "htcondor", "moab", "oar"] = Field(
        description="Which batch system: the dask-jobqueue class (slurm -> SLURMCluster, ...)."
    )

    def kwargs(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class DaskExecutorConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    LocalCluster_config: dict[str, Any] | None = Field(
        default=None,
        description="Keyword arguments for distributed.LocalCluster on this machine. Defaults: "
        "one single-threaded worker process per CPU, dashboard on localhost only. Used when "
        "no other cluster key is given.",
    )
    scheduler_address: str | None = Field(
        default=None,
        description="Connect to a running Dask scheduler (tcp://host:8786) instead of "
        "starting a cluster; its workers and its own settings are used as they are.",
    )
    SLURMcluster_config: dict[str, Any] | None = Field(
        default=None,
        description="Keyword arguments for dask_jobqueue.SLURMCluster (account, queue, cores, "
        "memory, walltime, job_script_prologue, ...). Needs the 'hpc' extra.",
    )
    PBScluster_config: dict[str, Any] | None = Field(
        default=None,
        description="Keyword arguments for dask_jobqueue.PBSCluster. Needs the 'hpc' extra.",
    )
    jobqueue: JobqueueConfig | None = Field(
        default=None,
        description="Any dask-jobqueue cluster: `cluster: slurm|pbs|sge|lsf|htcondor|moab|oar` "
        "and the keyword arguments of its class. Needs the 'hpc' extra.",
    )
    scale_n_jobs: PositiveInt | None = Field(
        default=None,
        description="Batch jobs to keep running; a job that dies or ends is replaced. "
        "Default 1 for a batch-system cluster.",
    )
    scale_n_jobs_min: PositiveInt | None = Field(
        default=None,
        description="Adaptive scaling: at least this many jobs (set together with "
        "scale_n_jobs_max, instead of scale_n_jobs).",
    )
    scale_n_jobs_max: PositiveInt | None = Field(
        default=None, description="Adaptive scaling: at most this many jobs."
    )
    block_until_cluster_started: bool = Field(
        default=False,
        description="Wait until every requested worker has connected before the first run "
        "is submitted (otherwise runs queue in the scheduler until workers arrive).",
    )
    max_pending: int | None = Field(
        default=None,
        ge=0,
        description="Tasks queued beyond the worker slots, so no worker idles between runs "
        "(for samplers that do not learn from results); default: as many as there are worker "
        "slots, more while runs take only milliseconds.",
    )
    crash_attempts: PositiveInt = Field(
        default=3,
        description="A run whose worker died this many times while running it is CRASHED "
        "(Dask's allowed-failures + 1); not applied to an existing scheduler_address.",
    )
    worker_lifetime_margin: PositiveFloat | None = Field(
        default=None,
        description="Seconds before the walltime at which a batch-job worker retires "
        "gracefully (its runs move to other workers and the job is replaced); default: "
        "5% of the walltime, at least 60 s. Ignored if worker_extra_args sets --lifetime.",
    )

    @model_validator(mode="after")
    def _one_cluster(self) -> DaskExecutorConfig:
        given = [key for key in CLUSTER_KEYS if getattr(self, key) is not None]
        if len(given) > 1:
            raise ValueError(f"{given[1]}: give only one of {', '.join(given)}")
        if (self.scale_n_jobs_min is None) != (self.scale_n_jobs_max is None):
            key = "scale_n_jobs_max" if self.scale_n_jobs_max is None else "scale_n_jobs_min"
            raise ValueError(
                f"{key}: adaptive scaling needs both scale_n_jobs_min and scale_n_jobs_max"
            )
        if self.scale_n_jobs_min is not None:
            if self.scale_n_jobs is not None:
                raise ValueError(
                    "scale_n_jobs: give either scale_n_jobs or "
                    "scale_n_jobs_min/scale_n_jobs_max, not both"
                )
            if self.scale_n_jobs_min > self.scale_n_jobs_max:
                raise ValueError(
                    f"scale_n_jobs_min: {self.scale_n_jobs_min} is above "
                    f"scale_n_jobs_max {self.scale_n_jobs_max}"
                )
        scaled = [k for k in ("scale_n_jobs", "scale_n_jobs_min") if getattr(self, k)]
        if scaled and not self.jobqueue_kwargs():
            raise ValueError(
                f"{scaled[0]}: scales batch jobs; it needs SLURMcluster_config, "
                "PBScluster_config or jobqueue"
            )
        self._check_installed(given[0] if given else "LocalCluster_config")
        if self.jobqueue_class() is not None:
            from enchanted_surrogates.executors.jobqueue_check import jobqueue_problems

            problems = jobqueue_problems(self.jobqueue_class(), self.jobqueue_kwargs() or {})
            if problems:
                raise ValueError(f"{given[0]}: " + f"; {given[0]}: ".join(problems))
        return self

    @staticmethod
    def _check_installed(key: str) -> None:
        """A missing optional dependency is a config error that names the extra to install."""
        if key in ("SLURMcluster_config", "PBScluster_config", "jobqueue"):
            missing = [m for m in ("distributed", "dask_jobqueue") if not _installed(m)]
            if missing:
                raise ValueError(
                    f"{key}: needs {' and '.join(missing)}, not installed: "
                    "pip install 'enchanted-surrogates[hpc]'"
                )
        elif not _installed("distributed"):
            raise ValueError(
                f"{key}: needs dask.distributed, not installed: "
                "pip install 'enchanted-surrogates[dask]'"
            )

    def jobqueue_class(self) -> str | None:
        """The dask_jobqueue class name for the configured batch system, if any."""
        if self.SLURMcluster_config is not None:
            return "SLURMCluster"
        if self.PBScluster_config is not None:
            return "PBSCluster"
        if self.jobqueue is not None:
            return JOBQUEUE_CLASSES[self.jobqueue.cluster]
        return None

    def jobqueue_kwargs(self) -> dict[str, Any] | None:
        if self.SLURMcluster_config is not None:
            return dict(self.SLURMcluster_config)
        if self.PBScluster_config is not None:
            return dict(self.PBScluster_config)
        if self.jobqueue is not None:
            return self.jobqueue.kwargs()
        return None


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None
