"""The notebook entry point: `run(config) -> DataFrame`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from enchanted_surrogates.config import load_spec
from enchanted_surrogates.secrets import load_secrets
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
    """
    spec = load_spec(config, base_run_dir=base_run_dir, run_mode=run_mode)
    if secrets is not None and not isinstance(secrets, dict):
        secrets = load_secrets(secrets)
    statuses = frozenset()
    if retry_failed:
        statuses = retry_statuses([] if retry_failed is True else list(retry_failed))
    return Campaign(
        spec, force=force, console=verbose, secrets=secrets, retry_failed=statuses
    ).run()
