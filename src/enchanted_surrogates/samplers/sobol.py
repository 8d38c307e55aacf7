"""Sobol low-discrepancy sequence: space-filling points that can be extended later."""

from __future__ import annotations

import inspect
import warnings
from functools import cached_property
from typing import Any

from pydantic import ConfigDict, Field, PositiveInt

from enchanted_surrogates.samplers.base import Sampler, SeededSamplerConfig
from enchanted_surrogates.samplers.distributions import DistributionsConfig, from_unit


class SobolSequenceSampler(Sampler):
    """Serves the first `budget` points of one (optionally scrambled) Sobol sequence.

    The points are generated once, in sequence order, so point i does not depend on how the
    campaign asks for them; on first use rather than at init, because `scipy.stats` takes
    most of a second to import and `enchanted validate` builds every sampler.
    """

    class Config(DistributionsConfig, SeededSamplerConfig):
        model_config = ConfigDict(title="SobolSequenceSampler")

        bounds: list[tuple[float, float]] = Field(description="[low, high] per parameter")
        budget: PositiveInt = Field(description="number of points; best a power of two")
        scramble: bool = Field(
            True, description="randomise the sequence (Owen scrambling) with the seed"
        )

    config: Config

    def __init__(self, **kwargs: Any) -> None:
        super().__init__()
        cfg = self.Config(**kwargs)
        self._setup_seeded(cfg)
        self._scramble = cfg.scramble
        self._marginals = cfg.marginals()
        exponent = (self.budget - 1).bit_length()
        if self.budget != 2**exponent:
            warnings.warn(
                f"sobol sampler: Sobol points are balanced only for a power-of-two number of "
                f"points; budget {self.budget} is not one (nearest: {2 ** (exponent - 1)} or "
                f"{2**exponent})",
                UserWarning,
                stacklevel=2,
            )

    @cached_property
    def design(self) -> list[list[Any]]:
        """The `budget` points, one row each, scaled to the bounds."""
        from scipy.stats import qmc

        # scipy 1.15 renamed `seed` to `rng`; the project still supports older scipy.
        seed_keyword = "rng" if "rng" in inspect.signature(qmc.Sobol).parameters else "seed"
        engine = qmc.Sobol(
            d=len(self.parameters), scramble=self._scramble, **{seed_keyword: self.seed}
        )
        exponent = (self.budget - 1).bit_length()
        # random_base2 then a prefix: the same points as random(budget), without scipy's own
        # power-of-two warning on top of the one above.
        unit = engine.random_base2(exponent)[: self.budget]
        return from_unit(unit, self._marginals)

    def propose(self, n: int) -> list[dict]:
        rows = self.design[self.submitted : self.submitted + n]
        return [dict(zip(self.parameters, row)) for row in rows]

    def describe(self) -> str:
        return (
            f"SobolSequenceSampler: {self.budget} points over {self.parameters}, seed {self.seed}"
        )
