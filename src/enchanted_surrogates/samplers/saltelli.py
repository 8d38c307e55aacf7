"""Saltelli design (through SALib) for Sobol' sensitivity indices."""

from __future__ import annotations

from functools import cached_property
from typing import Any

import numpy as np
from pydantic import ConfigDict, Field, PositiveInt, model_validator

from enchanted_surrogates.samplers.base import SeededSamplerConfig
from enchanted_surrogates.samplers.distributions import DistributionsConfig, from_unit
from enchanted_surrogates.samplers.fixed_design import FixedDesignSampler
from enchanted_surrogates.samplers.uq_extra import require


def unit_problem(d: int) -> dict[str, Any]:
    """A SALib problem on the unit cube; distributions are applied afterwards."""
    return {"num_vars": d, "names": [f"u{j}" for j in range(d)], "bounds": [[0.0, 1.0]] * d}


class SaltelliSampler(FixedDesignSampler):
    """The points of a Saltelli design, in SALib's order, for `enchanted analyse`.

    The design is `base_samples` blocks of D + 2 rows (2D + 2 with second-order indices)
    built once on the unit cube and mapped through each parameter's inverse CDF, so point
    i depends on the seed and i alone and a resumed campaign continues the same design.
    """

    class Config(DistributionsConfig, SeededSamplerConfig):
        model_config = ConfigDict(title="SaltelliSampler")

        bounds: list[tuple[float, float]] = Field(
            description="[low, high] per parameter (uniform), or give `distributions`"
        )
        base_samples: PositiveInt = Field(
            description="N, a power of two; the design has N * (D + 2) points "
            "(N * (2D + 2) with second_order)"
        )
        second_order: bool = Field(False, description="also estimate second-order indices")
        budget: PositiveInt | None = Field(
            None, description="set by the design size; a smaller value runs only a prefix"
        )

        @model_validator(mode="after")
        def _check(self) -> SaltelliSampler.Config:
            require("SALib")
            if self.base_samples & (self.base_samples - 1):
                raise ValueError(f"base_samples: {self.base_samples} is not a power of two")
            return self

        def design_size(self) -> int:
            d = len(self.parameters)
            return self.base_samples * ((2 * d + 2) if self.second_order else (d + 2))

    config: Config

    def __init__(self, **kwargs: Any) -> None:
        super().__init__()
        cfg = self.Config(**kwargs)
        size = cfg.design_size()
        self._setup_seeded(cfg.model_copy(update={"budget": min(cfg.budget or size, size)}))

    # Built on first use, not at init: `enchanted validate` builds every sampler, and a
    # design of a mistyped size can be far larger than memory.
    @cached_property
    def unit(self) -> np.ndarray:
        return self.unit_design(self.config, self.seed)

    @cached_property
    def design(self) -> list[list[Any]]:
        return from_unit(self.unit, self.config.marginals())

    @staticmethod
    def unit_design(cfg: Config, seed: int) -> np.ndarray:
        """The design on the unit cube, in SALib's row order."""
        from SALib.sample import sobol

        return sobol.sample(
            unit_problem(len(cfg.parameters)),
            cfg.base_samples,
            calc_second_order=cfg.second_order,
            seed=seed,
        )

    def describe(self) -> str:
        return (
            f"SaltelliSampler: {self.budget} points ({self.config.base_samples} base samples) "
            f"over {self.parameters}, seed {self.seed}"
        )
