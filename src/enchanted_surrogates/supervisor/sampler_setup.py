"""A level's sampler as the run mode needs it: the recorded seed, and the budget target of
an extension or of an interrupted one."""

from __future__ import annotations

import copy
import logging
from typing import Any

from enchanted_surrogates.config.options import accepts_key
from enchanted_surrogates.config.spec import CampaignSpec, EntrySpec
from enchanted_surrogates.journal.replay import (
    CampaignHistory,
)
from enchanted_surrogates.supervisor.refusal import CampaignRefused

log = logging.getLogger("enchanted_surrogates.supervisor")


def build_sampler(
    spec: CampaignSpec, mode: str, index: int, entry: EntrySpec, history: CampaignHistory
) -> Any:
    """The level's sampler, built for this run mode.

    A seed drawn at the campaign's start is reused. Its budget is the target: on
    extend, what the journal holds plus the sampler's own budget; on resume, the larger
    of that budget and a target recorded by an earlier (interrupted) extend. Samplers
    with a fixed-size design (LHS, Sobol) are built for the whole target; grids and
    arrays stop at their size.
    """
    options = copy.deepcopy(entry.options)
    recorded_seed = history.seeds.get(entry.name)
    reuse_seed = recorded_seed is not None and options.get("seed") is None
    if reuse_seed and accepts_key(entry.cls, "seed"):
        options["seed"] = recorded_seed
    sampler = EntrySpec(entry.kind, entry.name, entry.cls, options).build()
    own = int(sampler.budget)
    asked = history.levels[index].asked() if index in history.levels else 0
    target = None
    if mode == "extend":
        target = asked + (0 if entry.name in spec.extend_nothing else own)
        if target == 0:
            raise CampaignRefused(
                f"level {index}: sampler {entry.name} has budget 0 under extend but no "
                "points yet; give it a budget"
            )
    elif mode == "resume" and history.budgets.get(index, 0) > own:
        target = history.budgets[index]
    if target is None:
        return sampler
    if accepts_key(entry.cls, "budget"):
        options["budget"] = target
        sampler = EntrySpec(entry.kind, entry.name, entry.cls, options).build()
    else:
        sampler.budget = target  # an original-API sampler
    if int(sampler.budget) < target:
        log.warning(
            "level %d: sampler %s has only %d points; no more can be added",
            index,
            entry.name,
            int(sampler.budget),
        )
    return sampler
