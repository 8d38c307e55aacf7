"""`enchanted run`: the campaign, and every way it can end turned into one line and an exit
status (aborted, refused, interrupted, disk full, every run failed)."""

from __future__ import annotations

import argparse
import sys

from enchanted_surrogates.cli.exit_codes import (
    EXIT_ABORTED,
    EXIT_ALL_FAILED,
    EXIT_DISK_FULL,
    EXIT_OK,
    EXIT_USAGE,
)
from enchanted_surrogates.config import CampaignSpec


def run(spec: CampaignSpec, args: argparse.Namespace) -> int:
    from enchanted_surrogates.runs.secrets import SecretsError, load_secrets
    from enchanted_surrogates.storage.disk_full import disk_full_error
    from enchanted_surrogates.supervisor import Campaign, CampaignInterrupted, CampaignRefused
    from enchanted_surrogates.supervisor.policies import CampaignAborted

    if args.quiet:
        spec = _with_level(spec, "WARNING")
    elif args.verbose:
        spec = _with_level(spec, "DEBUG")
    try:
        secrets = load_secrets(args.secrets) if args.secrets else {}
    except SecretsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    retry, problem = _retry_statuses(spec, args.retry_failed)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    import logging

    from enchanted_surrogates.supervisor.resume_command import resume_command, retry_hint

    how = resume_command(args.config, args.base_run_dir, args.secrets)

    logging.raiseExceptions = False  # a full disk is reported once below, not per log record
    try:
        progress = Campaign(
            spec, force=args.force, secrets=secrets, resume_command=how, retry_failed=retry
        ).execute()
    except CampaignAborted as exc:
        print(f"\n{exc}", file=sys.stderr)
        return EXIT_ABORTED
    except CampaignRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except CampaignInterrupted as exc:
        print(f"\n{exc}", file=sys.stderr)
        return 128 + exc.signum
    except Exception as exc:
        full = disk_full_error(exc)
        if full is None:
            raise
        where = full.filename or spec.base_run_dir
        print(
            f"error: disk full at {where}: free space, then `{how}` "
            "(the journal keeps every finished run)",
            file=sys.stderr,
        )
        return EXIT_DISK_FULL
    from enchanted_surrogates.storage.dataset_path import dataset_path

    print(
        f"done: {progress.runs} runs, {progress.done} dataset rows: {progress.successes} "
        f"succeeded, {progress.failures} failed; dataset in {dataset_path(spec.base_run_dir)}"
        + retry_hint(how, progress.failures),
        file=sys.stderr,
    )
    if progress.done and not progress.successes:
        print("error: every run failed; see logs/failures.log", file=sys.stderr)
        return EXIT_ALL_FAILED
    return EXIT_OK


def _retry_statuses(
    spec: CampaignSpec, names: list[str] | None
) -> tuple[frozenset[str], str | None]:
    """The statuses `--retry-failed` names (none without the flag), or why they are wrong."""
    from enchanted_surrogates.supervisor.retry import retry_statuses

    if names is None:
        return frozenset(), None
    if spec.config.supervisor.run_mode == "fresh":
        return frozenset(), "--retry-failed needs --resume (or --extend): it reruns recorded runs"
    try:
        return retry_statuses(names), None
    except ValueError as exc:
        return frozenset(), str(exc)


def _with_level(spec: CampaignSpec, level: str) -> CampaignSpec:
    from dataclasses import replace

    config = spec.config.model_copy(
        update={"logging": spec.config.logging.model_copy(update={"level": level})}
    )
    return replace(spec, config=config)
