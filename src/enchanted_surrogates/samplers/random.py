"""Independent random points from simple per-parameter distributions."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
from pydantic import ConfigDict, Field, PositiveInt, model_validator

from enchanted_surrogates.samplers.base import Sampler, SeededSamplerConfig
from enchanted_surrogates.samplers.distributions import DistributionsConfig, from_unit

DISTRIBUTIONS = ("uniform", "loguniform", "normal", "int_uniform")


class RandomSampler(Sampler):
    """Draws each parameter independently: uniform, log-uniform, normal or integer.

    Point i is computed from uniform numbers i*d .. i*d+d-1 of the seeded PCG64 stream
    (d = number of parameters), mapped through each distribution's inverse CDF. The stream
    is advanced to the current point on every ask, so the points depend only on the seed and
    their index: chunking, or resuming with `submitted` already set, gives the same points.
    """

    class Config(DistributionsConfig, SeededSamplerConfig):
        model_config = ConfigDict(title="RandomSampler")

        bounds: list[tuple[float, float]] = Field(
            description="[low, high] per parameter (for normal: mean ± 3 sigma)"
        )
        budget: PositiveInt = Field(description="number of points")
        distribution: str | list[str] = Field(
            "uniform",
            description="uniform, loguniform, normal or int_uniform; one for all parameters "
            "or one per parameter",
        )

        @model_validator(mode="before")
        @classmethod
        def _total_budget_alias(cls, data: Any) -> Any:
            if not isinstance(data, dict) or "total_budget" not in data:
                return data
            if "budget" in data:
                raise ValueError("give `budget` or its old spelling `total_budget`, not both")
            warnings.warn(
                "random sampler: `total_budget` is deprecated, write `budget` instead",
                DeprecationWarning,
                stacklevel=2,
            )
            data = dict(data)
            data["budget"] = data.pop("total_budget")
            return data

        @model_validator(mode="after")
        def _check_distributions(self) -> RandomSampler.Config:
            if self.distributions is not None and self.distribution != "uniform":
                raise ValueError("give `distribution` or `distributions`, not both")
            if isinstance(self.distribution, list) and len(self.distribution) != len(
                self.parameters
            ):
                raise ValueError(
                    f"distribution: {len(self.parameters)} parameters but "
                    f"{len(self.distribution)} distributions"
                )
            for name, kind, (low, high) in zip(self.parameters, self.kinds(), self.bounds):
                if kind not in DISTRIBUTIONS:
                    raise ValueError(
                        f"distribution: unknown {kind!r} for {name!r}; "
                        f"choose one of {', '.join(DISTRIBUTIONS)}"
                    )
                if kind == "loguniform" and low <= 0:
                    raise ValueError(f"loguniform needs bounds > 0 for {name!r}")
                if kind == "int_uniform" and math.ceil(low) > math.floor(high):
                    raise ValueError(
                        f"int_uniform needs an integer within the bounds of {name!r}, "
                        f"[{low}, {high}] holds none"
                    )
            return self

        def kinds(self) -> list[str]:
            """One distribution name per parameter."""
            if isinstance(self.distribution, str):
                return [self.distribution] * len(self.parameters)
            return list(self.distribution)

    config: Config

    def __init__(self, **kwargs: Any) -> None:
        super().__init__()
        cfg = self.Config(**kwargs)
        self._setup_seeded(cfg)
        self.distributions = cfg.kinds()
        self.marginals = cfg.marginals() if cfg.distributions is not None else None

    def _unit(self, start: int, n: int) -> np.ndarray:
        """Uniform numbers in [0, 1) for points start .. start+n-1, shape (n, d).

        The generator is kept between contiguous asks (the usual case) and rebuilt at the
        right position otherwise, e.g. after `submitted` was set by a resume.
        """
        d = len(self.parameters)
        if getattr(self, "_position", None) != start:
            bit_generator = np.random.PCG64(self.seed)
            # Each float64 from Generator.random consumes exactly one PCG64 step.
            bit_generator.advance(start * d)
            self._generator = np.random.Generator(bit_generator)
        self._position = start + n
        return self._generator.random((n, d))

    def propose(self, n: int) -> list[dict]:
        unit = self._unit(self.submitted, n)
        if self.marginals is not None:
            return [dict(zip(self.parameters, row)) for row in from_unit(unit, self.marginals)]
        columns: list[list[float] | list[int]] = []
        for j, (kind, (low, high)) in enumerate(zip(self.distributions, self.bounds)):
            u = unit[:, j]
            if kind == "uniform":
                columns.append([float(x) for x in np.clip(low + u * (high - low), low, high)])
            elif kind == "loguniform":
                log_low, log_high = math.log(low), math.log(high)
                x = np.exp(log_low + u * (log_high - log_low))
                columns.append([float(v) for v in np.clip(x, low, high)])
            elif kind == "normal":
                # Imported here: scipy.special takes ~0.3 s to import, a cost uniform
                # campaigns (the common case) should not pay at start-up.
                from scipy.special import ndtri

                # u == 0 would map to -inf; the floor keeps the tails symmetric (about ±8.2σ).
                z = ndtri(np.maximum(u, 2.0**-53))
                columns.append([float(v) for v in (low + high) / 2 + z * (high - low) / 6])
            else:
                first, last = math.ceil(low), math.floor(high)
                k = np.minimum(np.floor(u * (last - first + 1)), last - first)
                columns.append([first + int(v) for v in k])
        return [dict(zip(self.parameters, row)) for row in zip(*columns)]

    def describe(self) -> str:
        kinds = sorted({m.kind for m in self.marginals or []} or set(self.distributions))
        return (
            f"RandomSampler: {self.budget} {'/'.join(kinds)} points over {self.parameters}, "
            f"seed {self.seed}"
        )
