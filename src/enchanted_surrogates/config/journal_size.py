"""A budget so large that the journal alone would fill a disk: said before anything runs.

Every run leaves three journal lines (asked, submitted, finished) whose size grows with
the number of parameters and the length of the run directory path. A typo such as one
zero too many is easy to make and costly to find out at run time (a budget of 10^9 wrote
1.9 GB of journal in 40 s), so `validate` and `run` warn from WARN_BYTES of projected
journal on, with the projection and the free space where the journal would go.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from enchanted_surrogates.config.spec import CampaignSpec

WARN_BYTES = 1 << 30
# Measured on journals of small campaigns: fixed keys and times of the three lines, each
# parameter written three times (point, params, row), the run directory twice.
BYTES_PER_RUN = 450
BYTES_PER_PARAMETER = 120
RUN_DIR_NAME = len("data/d0_b0_s0_r0")


def planned_runs(spec: CampaignSpec) -> tuple[int, int]:
    """(runs, parameters per run) if every run succeeds; a budget-less sampler counts 1."""
    runs, parents, parameters = 0, 1, 0
    for level in spec.levels:
        sampler = level.sampler.build()
        budget = getattr(sampler, "budget", 1)
        parents *= budget if isinstance(budget, int) and budget > 0 else 1
        runs += parents * len(level.runners)
        parameters += len(getattr(sampler, "parameters", ()) or ())
    return runs, parameters


def projected_bytes(spec: CampaignSpec, runs: int, parameters: int) -> int:
    """About how large journal.jsonl grows when `runs` runs of `parameters` have finished."""
    run_dir = len(str(spec.base_run_dir.absolute())) + RUN_DIR_NAME
    return runs * (BYTES_PER_RUN + 2 * run_dir + BYTES_PER_PARAMETER * parameters)


def huge_budget_warning(spec: CampaignSpec) -> str | None:
    """The warning for a campaign whose journal would exceed WARN_BYTES, else None."""
    runs, parameters = planned_runs(spec)
    size = projected_bytes(spec, runs, parameters)
    if size < WARN_BYTES:
        return None
    budgets = ", ".join(f"samplers.{level.sampler.name}.budget" for level in spec.levels)
    return (
        f"{spec.source}: {budgets}: {runs:,} runs planned; their journal alone would grow "
        f"to about {_size(size)} in {spec.base_run_dir}{_free_space(spec.base_run_dir)}; "
        "lower the budget unless that is intended"
    )


def _free_space(path: Path) -> str:
    existing = path.absolute()
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    try:
        free = shutil.disk_usage(os.fspath(existing)).free
    except OSError:
        return ""
    return f" ({_size(free)} free there)"


def _size(count: float) -> str:
    units = ["B", "KB", "MB", "GB", "TB", "PB"]
    index = 0
    while count >= 1000 and index < len(units) - 1:
        count /= 1000
        index += 1
    return f"{count:.1f} {units[index]}"
