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

    Point i is the sequence's i-th point whatever batches the campaign asks in. The engine
    is built on first use rather than at init, because `scipy.stats` takes most of a
    second to import and `enchanted validate` builds every sampler.
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
        self._drawn = 0  # where the engine stands in the sequence
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
    def _engine(self) -> Any:
        from scipy.stats import qmc

        # scipy 1.15 renamed `seed` to `rng`; the project still supports older scipy.
        seed_keyword = "rng" if "rng" in inspect.signature(qmc.Sobol).parameters else "seed"
        return qmc.Sobol(
            d=len(self.parameters), scramble=self._scramble, **{seed_keyword: self.seed}
        )

    def propose(self, n: int) -> list[dict]:
        """Points `submitted` to `submitted + n` of the sequence, drawn now: the same points
        as one design of `budget` rows, without holding a design a budget of 10^9 would
        make far larger than memory."""
        n = max(0, min(n, self.budget - self.submitted))
        if not n:
            return []
        engine = self._engine
        if self._drawn != self.submitted:  # a restored campaign starts part-way
            engine.reset()
            engine.fast_forward(self.submitted)
        with warnings.catch_warnings():  # the power-of-two advice was given at init
            warnings.simplefilter("ignore")
            unit = engine.random(n)
        self._drawn = self.submitted + n
        return [dict(zip(self.parameters, row)) for row in from_unit(unit, self._marginals)]

    def describe(self) -> str:
        return (
            f"SobolSequenceSampler: {self.budget} points over {self.parameters}, seed {self.seed}"
        )
