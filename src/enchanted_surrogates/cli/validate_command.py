"""`enchanted validate`: what the campaign would run, level by level, without running it."""

from __future__ import annotations

import sys

from enchanted_surrogates.cli.exit_codes import EXIT_OK
from enchanted_surrogates.config import CampaignSpec


def validate(spec: CampaignSpec) -> int:
    from enchanted_surrogates.supervisor.level_setup import resolve_mode

    for warning in spec.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    supervisor = spec.config.supervisor
    print(f"{spec.source}: valid")
    print(f"base_run_dir: {supervisor.base_run_dir} (run_mode: {supervisor.run_mode})")
    rows = runs = 0
    parents = 1
    for level in spec.levels:
        sampler = level.sampler.build()
        parents *= int(sampler.budget)
        rows += parents
        runs += parents * len(level.runners)
        print(f"level {level.index}: sampler {level.sampler.name} ({sampler.describe()})")
        for stage, (runner, executor) in enumerate(zip(level.runners, level.executors)):
            print(
                f"  stage {stage}: runner {runner.name} ({runner.cls.__name__}) "
                f"on executor {executor.name} ({executor.build().describe()})"
            )
        print(f"  mode: {resolve_mode(level, sampler)}")
    nested = " if every parent row succeeds" if len(spec.levels) > 1 else ""
    print(f"total: {runs} runs, {rows} dataset rows{nested}")
    return EXIT_OK
