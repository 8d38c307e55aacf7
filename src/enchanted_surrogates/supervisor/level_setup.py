"""What a level needs before its first run: each stage's runner, the sampler wound to where
an earlier run of the campaign left it, and the mode (async or batch) it runs in."""

from __future__ import annotations

from typing import Any

from enchanted_surrogates.config.spec import LevelSpec
from enchanted_surrogates.runs.task import RunnerSpec, runner_key
from enchanted_surrogates.samplers.base import is_legacy


def runner_spec(level: LevelSpec, stage: int, secrets: dict | None = None) -> RunnerSpec:
    entry = level.runners[stage]
    return RunnerSpec(
        name=entry.name,
        cls=entry.cls,
        kwargs=dict(entry.options),
        key=runner_key(entry.cls, entry.options),
        timeout=entry.limits.timeout,
        memory_limit=entry.limits.memory_limit,
        checks=entry.limits.checks,
        secrets=secrets or {},
    )


def restore_sampler(sampler: Any, points: list[dict], results: list[dict]) -> None:
    """Put a sampler where it was after asking `points` in an earlier run of the campaign."""
    if not points:
        return
    if hasattr(sampler, "restore"):
        sampler.restore(points, results)
        return
    while sampler.submitted < len(points) and sampler.get_next_samples():
        pass  # an original-API sampler can only be wound forward by asking again


def resolve_mode(level: LevelSpec, sampler: Any) -> str:
    """`auto` means async unless the sampler learns from results (or predates ask/tell) and
    does not say it prefers async (as the built-in adaptive samplers do)."""
    if level.mode != "auto":
        return level.mode
    if getattr(sampler, "prefers_async", False):
        return "async"
    learns = getattr(sampler, "learns_from_results", False) or is_legacy(sampler)
    return "batch" if learns else "async"
