"""Latin hypercube design: each parameter's range cut into `budget` strata, one point each."""

from __future__ import annotations

import inspect
from functools import cached_property
from typing import Any, Literal

from pydantic import ConfigDict, Field, PositiveInt, model_validator

from enchanted_surrogates.samplers.base import SeededSamplerConfig
from enchanted_surrogates.samplers.distributions import DistributionsConfig, from_unit
from enchanted_surrogates.samplers.fixed_design import FixedDesignSampler


class LatinHypercubeSampler(FixedDesignSampler):
    """Serves one Latin hypercube design over the whole budget, in order.

    The design is built once: strata per batch would lose the Latin property of the
    campaign as a whole, and a fixed design makes point i independent of chunking. It is
    built on first use rather than at init, because `scipy.stats` takes most of a second
    to import and `enchanted validate` builds every sampler.
    """

    class Config(DistributionsConfig, SeededSamplerConfig):
        model_config = ConfigDict(title="LatinHypercubeSampler")

        bounds: list[tuple[float, float]] = Field(description="[low, high] per parameter")
        budget: PositiveInt = Field(description="number of points, i.e. strata per parameter")
        scramble: bool = Field(
            True, description="random position inside each stratum (False: stratum centres)"
        )
        optimization: Literal["random-cd", "lloyd"] | None = Field(
            None,
            description="random-cd lowers discrepancy and keeps the strata; lloyd spreads "
            "points further but gives up one point per stratum",
        )

        @model_validator(mode="after")
        def _check_optimization(self) -> LatinHypercubeSampler.Config:
            if self.optimization == "lloyd" and len(self.parameters) < 2:
                raise ValueError("optimization 'lloyd' needs at least 2 parameters")
            return self

    config: Config

    def __init__(self, **kwargs: Any) -> None:
        super().__init__()
        cfg = self.Config(**kwargs)
        self._setup_seeded(cfg)
        self._engine_options = {"scramble": cfg.scramble, "optimization": cfg.optimization}
        self._marginals = cfg.marginals()

    @cached_property
    def design(self) -> list[list[Any]]:
        """The `budget` points, one row each, scaled to the bounds."""
        from scipy.stats import qmc

        # scipy 1.15 renamed `seed` to `rng`; the project still supports older scipy.
        signature = inspect.signature(qmc.LatinHypercube)
        seed_keyword = "rng" if "rng" in signature.parameters else "seed"
        engine = qmc.LatinHypercube(
            d=len(self.parameters), **self._engine_options, **{seed_keyword: self.seed}
        )
        return from_unit(engine.random(self.budget), self._marginals)

    def describe(self) -> str:
        return (
            f"LatinHypercubeSampler: {self.budget} points over {self.parameters}, seed {self.seed}"
        )
