"""The notebook entry point: `run(config) -> DataFrame`."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from enchanted_surrogates.config import load_spec
from enchanted_surrogates.config.relative_paths import config_dir_entered
from enchanted_surrogates.runs.secrets import load_secrets
from enchanted_surrogates.supervisor import Campaign
from enchanted_surrogates.supervisor.retry import retry_statuses


def run(
    config: str | Path | dict,
    *,
    base_run_dir: str | None = None,
    run_mode: str | None = None,
    force: bool = False,
    verbose: bool = False,
    secrets: str | Path | dict | None = None,
    retry_failed: bool | Sequence[str] = False,
) -> pd.DataFrame:
    """Validate and run a campaign; return its dataset, one row per run.

    Raises `ConfigError` for a bad config, `CampaignRefused` when `base_run_dir` already
    holds data (pass `force=True` to delete it, or `run_mode="resume"` to continue it) and
    `CampaignInterrupted` after SIGINT/SIGTERM, `CampaignAborted` when a failure policy
    stops it. `secrets` is a secrets file (INI/YAML) or its sections as a dict.
    `verbose` echoes the log to the console. `retry_failed` (with `run_mode="resume"`)
    runs recorded failures again in place: True for FAILED, CRASHED and CANCELLED, or the
    statuses to retry (ValueError for an unknown one).

    Relative paths follow the command's rule: they start at the working directory, or at
    the config file's directory when it says `paths: config` (then the campaign runs
    there, and the working directory is restored afterwards). `base_run_dir` and `secrets`
    given here are relative to the working directory, as on the command line.
    """
    if base_run_dir is not None:
        base_run_dir = os.path.abspath(base_run_dir)
    if secrets is not None and not isinstance(secrets, dict):
        secrets = load_secrets(secrets)
    statuses = frozenset()
    if retry_failed:
        statuses = retry_statuses([] if retry_failed is True else list(retry_failed))
    with config_dir_entered(config) as config:
        spec = load_spec(config, base_run_dir=base_run_dir, run_mode=run_mode)
        return Campaign(
            spec, force=force, console=verbose, secrets=secrets, retry_failed=statuses
        ).run()
