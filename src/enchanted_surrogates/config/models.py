"""Pydantic models of the config sections the framework itself owns.

Entries under `executors`, `samplers` and `runners` are dicts whose keys beyond `type`
belong to the chosen type and are checked by it (see options.py).
"""

from __future__ import annotations

import importlib.util
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from enchanted_surrogates.config.hdf5_default import INSTALL_HINT, missing_hdf5_modules
from enchanted_surrogates.runners.checks import Checks

Mode = Literal["auto", "async", "batch"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RunOrderEntry(_Strict):
    """One level of the campaign: a sampler, and a runner on an executor (or a chain)."""

    sampler: str = Field(description="Name of an entry under `samplers`.")
    executor: str | list[str] = Field(
        description="Name of an entry under `executors` (a list: one per stage)."
    )
    runner: str | list[str] = Field(
        description="Name of an entry under `runners`; a list runs sequential stages."
    )
    mode: Mode | None = Field(default=None, description="Overrides supervisor.mode here.")

    @property
    def executors(self) -> list[str]:
        return [self.executor] if isinstance(self.executor, str) else list(self.executor)

    @property
    def runners(self) -> list[str]:
        return [self.runner] if isinstance(self.runner, str) else list(self.runner)

    @model_validator(mode="after")
    def _check_stages(self) -> RunOrderEntry:
        if not self.executors:
            raise ValueError("executor: the list is empty")
        if not self.runners:
            raise ValueError("runner: the list is empty")
        if len(self.executors) != len(self.runners):
            raise ValueError(
                f"runner: {len(self.runners)} runners but {len(self.executors)} executors; "
                "sequential stages need one executor per runner"
            )
        return self


RetryStatus = Literal["FAILED", "CRASHED", "TIMEOUT", "MEMOUT"]


class RetryPolicy(_Strict):
    """Run a run again, in the same run dir with the same params, when it ends like this."""

    retries: int = Field(default=0, ge=0, description="Extra attempts after the first.")
    retry_on: list[RetryStatus] = Field(
        default_factory=lambda: ["CRASHED", "TIMEOUT"],
        description="Statuses that trigger a retry.",
    )


class RunnerLimits(RetryPolicy):
    """Framework keys of a runner entry, taken out before the runner class sees its keys.

    With a limit set, the runner runs in a child process of its own (process group, memory
    rlimit), so a hang or a memory blow-up ends that run only.
    """

    timeout: float | None = Field(default=None, gt=0, description="Seconds; then TIMEOUT.")
    memory_limit: float | None = Field(
        default=None, gt=0, description="Megabytes of address space; beyond it MEMOUT."
    )
    retries: int | None = Field(default=None, ge=0, description="Overrides supervisor.retries.")
    retry_on: list[RetryStatus] | None = None
    checks: Checks | None = Field(
        default=None, description="Sanity checks on the outputs; a failed one is FAILED."
    )


class SupervisorConfig(_Strict):
    """Where the campaign lives and in which order its levels run."""

    base_run_dir: str = Field(description="Folder for the journal, datasets, logs and run dirs.")
    run_order: list[RunOrderEntry] = Field(
        min_length=1, description="The levels, in order; level d+1 fans out of level d's rows."
    )
    run_mode: Literal["fresh", "resume", "extend"] = Field(
        default="fresh",
        description="fresh refuses a non-empty base_run_dir; resume finishes what the journal "
        "left; extend runs every sampler's budget again on top.",
    )
    mode: Mode = Field(
        default="auto",
        description="async keeps every worker busy; batch asks, runs and tells a whole batch; "
        "auto picks async unless the sampler learns from results.",
    )
    save_files: Literal["all", "custom", "none"] = Field(
        default="all",
        description="Which files each run directory keeps once no later run can read them: "
        "all, the names/globs in save_files_list (custom), or nothing (none).",
    )
    save_files_list: list[str] = Field(
        default_factory=list, description="File names or glob patterns kept with 'custom'."
    )
    local_storage: str | None = Field(
        default=None,
        description="Node-local folder (a path, or an environment variable such as TMPDIR) "
        "where runs execute; their kept files move to base_run_dir/data when they end.",
    )
    summary_datatype: Literal["csv", "parquet", "both"] = Field(
        default="csv", description="The dataset file(s): enchanted_dataset.csv and/or .parquet."
    )
    retries: int = Field(default=0, ge=0, description="Default extra attempts per run.")
    progress_interval_sec: float = Field(
        default=300.0,
        ge=0,
        description="Without a terminal, log a progress line (done, failed, running, queued, "
        "ETA) at least this often; 0 turns it off.",
    )
    retry_on: list[RetryStatus] = Field(
        default_factory=lambda: ["CRASHED", "TIMEOUT"],
        description="Statuses retried by default (default: CRASHED, TIMEOUT).",
    )
    max_failure_rate: float | None = Field(
        default=None,
        gt=0,
        le=1,
        description="Abort when more than this fraction of the finished runs failed...",
    )
    failure_rate_min_runs: int = Field(
        default=20, ge=1, description="...once at least this many runs have finished."
    )
    stop_if_first_runs_fail: int = Field(
        default=5,
        ge=0,
        description="Stop when this many first finished runs all failed: a broken setup "
        "(misspelt program, missing input) should not burn the whole budget; 0: never.",
    )
    abort_on_first_failure: bool = Field(
        default=False, description="The first failed run stops the campaign (a broken setup)."
    )
    nested_failed_parents: Literal["skip", "include"] = Field(
        default="skip",
        description="Whether failed rows of a level still fan out into the next level.",
    )
    nested_parent_columns: Literal["prefixed", "original"] = Field(
        default="prefixed",
        description="How a child row names its parent's per-run columns: prefixed "
        "(parent_runtime_sec_<runner>, parent_run_dir, ..., so runtimes are not counted once "
        "per child) or original (the parent's names, as the original did).",
    )
    sequential_failed_stages: Literal["stop", "continue"] = Field(
        default="stop",
        description="Whether a failed stage ends its chain (stop) or the next stage still "
        "runs on its row, as in the original (continue).",
    )

    @field_validator("summary_datatype")
    @classmethod
    def _parquet_installed(cls, value: str) -> str:
        if value != "csv" and importlib.util.find_spec("pyarrow") is None:
            raise ValueError(
                f"'{value}' writes Parquet, which needs pyarrow: "
                "pip install 'enchanted-surrogates[parquet]'"
            )
        return value

    @model_validator(mode="after")
    def _check_save_files(self) -> SupervisorConfig:
        if self.save_files == "custom" and not self.save_files_list:
            raise ValueError("save_files_list: save_files 'custom' needs a list of names or globs")
        return self


class StorageConfig(_Strict):
    type: Literal["hdf5", "none"] = Field(
        default="hdf5", description="hdf5 writes runs.h5 (the dataset and campaign metadata)."
    )

    @field_validator("type", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        """The original spelled 'no storage' as the string "None"."""
        if value is None:
            return "none"
        return value.lower() if isinstance(value, str) else value

    @field_validator("type")
    @classmethod
    def _tables_installed(cls, value: str) -> str:
        missing = missing_hdf5_modules()
        if value == "hdf5" and missing:
            raise ValueError(
                f"hdf5 needs {' and '.join(missing)}: {INSTALL_HINT} (or set storage.type: none)"
            )
        return value


class LoggingConfig(_Strict):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="Least severe message written to logs/main.log."
    )

    @field_validator("level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value


class PostProcessingConfig(_Strict):
    script_path: str = Field(description="Executable run from base_run_dir after the campaign.")


class CampaignConfig(_Strict):
    """The whole YAML file."""

    executors: dict[str, dict[str, Any]]
    samplers: dict[str, dict[str, Any]]
    runners: dict[str, dict[str, Any]]
    supervisor: SupervisorConfig = Field(description="Where the campaign lives, how it runs.")
    storage: StorageConfig = Field(
        default_factory=StorageConfig,
        description="runs.h5 is written unless this says type: None (as in the original).",
    )
    logging: LoggingConfig = Field(
        default_factory=LoggingConfig, description="`logging: INFO` is short for {level: INFO}."
    )
    post_processing: PostProcessingConfig | None = Field(
        default=None, description="A script run in base_run_dir after the campaign."
    )
    paths: Literal["cwd", "config"] = Field(
        default="cwd",
        description="Where relative paths start: cwd (where you run) or config (the config "
        "file's directory; the enchanted command moves there first).",
    )

    @field_validator("logging", mode="before")
    @classmethod
    def _level_shorthand(cls, value: Any) -> Any:
        """`logging: INFO` is the original's shorthand for `logging: {level: INFO}`."""
        return {"level": value} if isinstance(value, str) else value
