"""Morris elementary-effects design (through SALib): a cheap screening of many inputs."""

from __future__ import annotations

from functools import cached_property
from typing import Any

import numpy as np
from pydantic import ConfigDict, Field, PositiveInt, model_validator

from enchanted_surrogates.samplers.base import SeededSamplerConfig
from enchanted_surrogates.samplers.distributions import DistributionsConfig, from_unit
from enchanted_surrogates.samplers.fixed_design import FixedDesignSampler
from enchanted_surrogates.samplers.saltelli import unit_problem
from enchanted_surrogates.samplers.uq_extra import require


class MorrisSampler(FixedDesignSampler):
    """`trajectories` one-at-a-time paths of D + 1 points each, in SALib's order.

    Built once on the unit cube's `levels`-point grid and mapped through each parameter's
    inverse CDF (grid ends at the ends of its range); point i depends on the seed and i
    alone. Effects are measured per step in probability, so inputs rank comparably.
    """

    class Config(DistributionsConfig, SeededSamplerConfig):
        model_config = ConfigDict(title="MorrisSampler")

        bounds: list[tuple[float, float]] = Field(
            description="[low, high] per parameter (uniform), or give `distributions`"
        )
        trajectories: PositiveInt = Field(description="number of paths; D + 1 points each")
        levels: PositiveInt = Field(4, description="grid levels per input (even)")
        budget: PositiveInt | None = Field(
            None, description="set by the design size; a smaller value runs only a prefix"
        )

        @model_validator(mode="after")
        def _check(self) -> MorrisSampler.Config:
            require("SALib")
            if self.levels < 2 or self.levels % 2:
                raise ValueError(f"levels: {self.levels} is not an even number >= 2")
            return self

    config: Config

    def __init__(self, **kwargs: Any) -> None:
        super().__init__()
        cfg = self.Config(**kwargs)
        size = cfg.trajectories * (len(cfg.parameters) + 1)
        self._setup_seeded(cfg.model_copy(update={"budget": min(cfg.budget or size, size)}))

    # Built on first use, not at init: `enchanted validate` builds every sampler.
    @cached_property
    def unit(self) -> np.ndarray:
        return self.unit_design(self.config, self.seed)

    @cached_property
    def design(self) -> list[list[Any]]:
        return from_unit(self.unit, self.config.marginals(), within_range=True)

    @staticmethod
    def unit_design(cfg: Config, seed: int) -> np.ndarray:
        """The trajectories on the unit cube, in SALib's row order."""
        from SALib.sample import morris

        return morris.sample(
            unit_problem(len(cfg.parameters)), cfg.trajectories, num_levels=cfg.levels, seed=seed
        )

    def describe(self) -> str:
        return (
            f"MorrisSampler: {self.config.trajectories} trajectories ({self.budget} points) "
            f"over {self.parameters}, seed {self.seed}"
        )
