"""Probability distributions on parameters, for samplers and UQ designs.

A parameter with a distribution is sampled by drawing a uniform number u (random, Latin
hypercube, Sobol, or a sensitivity design on the unit cube) and taking the distribution's
inverse CDF at u. Sensitivity indices are unchanged by that per-input map, so every design
is built on the unit cube and mapped here.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    FiniteFloat,
    PositiveFloat,
    model_validator,
)


def _stats() -> Any:
    """scipy.stats, imported when a distribution is first evaluated: it takes most of a
    second to import, and `enchanted validate` of a uniform design never needs it."""
    from scipy import stats

    return stats


# The quantiles that stand in for the range of an unbounded distribution (bounds of a
# normal parameter, for plots and surrogates); ±3.1 sigma for a normal.
TAIL = 1e-3
# u = 0 or 1 would map an unbounded distribution to ±inf.
EPS = 2.0**-53


class _Distribution(BaseModel):
    model_config = ConfigDict(extra="forbid")

    def frozen(self) -> Any:
        """The scipy.stats frozen distribution."""
        raise NotImplementedError

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Inverse CDF at uniform numbers `u` in [0, 1]."""
        return self.frozen().ppf(np.clip(u, EPS, 1.0 - EPS))

    def ppf_in_range(self, u: np.ndarray) -> np.ndarray:
        """Inverse CDF with u = 0 and 1 at the ends of `range()`: for grid designs
        (Morris), whose levels include 0 and 1, over unbounded distributions."""
        low, high = self.frozen().cdf(self.range())
        return self.ppf(low + np.clip(u, 0.0, 1.0) * (high - low))

    def range(self) -> tuple[float, float]:
        """The support, or the central 1 - 2*TAIL quantile range if unbounded."""
        dist = self.frozen()
        low, high = dist.support()
        if not np.isfinite(low):
            low = dist.ppf(TAIL)
        if not np.isfinite(high):
            high = dist.ppf(1.0 - TAIL)
        return float(low), float(high)


class Uniform(_Distribution):
    kind: Literal["uniform"]
    low: FiniteFloat
    high: FiniteFloat

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if not self.low <= self.high:
            raise ValueError(f"low {self.low} > high {self.high}")
        return self

    def frozen(self) -> Any:
        return _stats().uniform(loc=self.low, scale=self.high - self.low)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        # Affine map, so a fixed parameter (low == high) works too.
        return self.low + np.clip(u, 0.0, 1.0) * (self.high - self.low)

    ppf_in_range = ppf

    def range(self) -> tuple[float, float]:
        return self.low, self.high


class Normal(_Distribution):
    kind: Literal["normal"]
    mean: FiniteFloat
    std: PositiveFloat

    def frozen(self) -> Any:
        return _stats().norm(loc=self.mean, scale=self.std)


class TruncNormal(_Distribution):
    """A normal(mean, std) restricted to [low, high]."""

    kind: Literal["truncnormal"]
    mean: FiniteFloat
    std: PositiveFloat
    low: FiniteFloat
    high: FiniteFloat

    @model_validator(mode="after")
    def _ordered(self) -> TruncNormal:
        if not self.low < self.high:
            raise ValueError(f"low {self.low} must be below high {self.high}")
        return self

    def frozen(self) -> Any:
        a, b = (self.low - self.mean) / self.std, (self.high - self.mean) / self.std
        return _stats().truncnorm(a, b, loc=self.mean, scale=self.std)


class LogNormal(_Distribution):
    """exp(N(mu, sigma)): `mu` and `sigma` are those of the logarithm."""

    kind: Literal["lognormal"]
    mu: FiniteFloat
    sigma: PositiveFloat

    def frozen(self) -> Any:
        return _stats().lognorm(s=self.sigma, scale=float(np.exp(self.mu)))


class Beta(_Distribution):
    """Beta(alpha, beta) stretched onto [low, high]."""

    kind: Literal["beta"]
    alpha: PositiveFloat
    beta: PositiveFloat
    low: FiniteFloat = 0.0
    high: FiniteFloat = 1.0

    @model_validator(mode="after")
    def _ordered(self) -> Beta:
        if not self.low < self.high:
            raise ValueError(f"low {self.low} must be below high {self.high}")
        return self

    def frozen(self) -> Any:
        return _stats().beta(self.alpha, self.beta, loc=self.low, scale=self.high - self.low)


class Discrete(_Distribution):
    """One of `values`, with probabilities `weights` (default: equal)."""

    kind: Literal["discrete"]
    values: list[FiniteFloat] = Field(min_length=1)
    weights: list[PositiveFloat] | None = None

    @model_validator(mode="after")
    def _weights_match(self) -> Discrete:
        if self.weights is not None and len(self.weights) != len(self.values):
            raise ValueError(f"weights: {len(self.values)} values but {len(self.weights)} weights")
        return self

    def frozen(self) -> Any:
        probabilities = np.asarray(self.weights or [1.0] * len(self.values), dtype=float)
        return _stats().rv_discrete(values=(range(len(self.values)), probabilities))

    def ppf(self, u: np.ndarray) -> np.ndarray:
        weights = np.asarray(self.weights or [1.0] * len(self.values), dtype=float)
        edges = np.cumsum(weights) / weights.sum()
        index = np.minimum(np.searchsorted(edges, u, side="right"), len(self.values) - 1)
        return np.asarray(self.values, dtype=object)[index]

    ppf_in_range = ppf

    def range(self) -> tuple[float, float]:
        return float(min(self.values)), float(max(self.values))


Distribution = Annotated[
    Uniform | Normal | TruncNormal | LogNormal | Beta | Discrete, Field(discriminator="kind")
]


class DistributionsConfig(BaseModel):
    """Adds `distributions:` to a sampler config, as an alternative to `bounds:`.

    With distributions, `bounds` is derived (the support, or the central 99.8 % of an
    unbounded distribution) so code that reads bounds keeps working.
    """

    distributions: dict[str, Distribution] | None = Field(
        None,
        description="parameter -> {kind: uniform|normal|truncnormal|lognormal|beta|discrete, "
        "...}; every parameter needs one; replaces `bounds`",
    )

    @model_validator(mode="before")
    @classmethod
    def _bounds_from_distributions(cls, data: Any) -> Any:
        if not isinstance(data, dict) or data.get("distributions") is None:
            return data
        if data.get("bounds") is not None:
            raise ValueError("give `bounds` or `distributions`, not both")
        data = dict(data)
        # A stand-in of the right length for the samplers' required `bounds`; the real
        # ranges are set once the distributions are validated.
        parameters = data.get("parameters")
        data["bounds"] = [(0.0, 1.0)] * (len(parameters) if isinstance(parameters, list) else 1)
        return data

    @model_validator(mode="after")
    def _one_per_parameter(self) -> DistributionsConfig:
        if self.distributions is None:
            return self
        parameters = list(getattr(self, "parameters", []))
        missing = [p for p in parameters if p not in self.distributions]
        extra = sorted(set(self.distributions) - set(parameters))
        if missing:
            raise ValueError(f"distributions: none given for {missing}")
        if extra:
            raise ValueError(f"distributions: {extra} are not among the parameters")
        self.bounds = [self.distributions[p].range() for p in parameters]
        return self

    def marginals(self) -> list[Any]:
        """One distribution per parameter (uniform over the bounds where none is given)."""
        if self.distributions is not None:
            return [self.distributions[p] for p in getattr(self, "parameters", [])]
        bounds = getattr(self, "bounds", None) or []
        return [Uniform(kind="uniform", low=low, high=high) for low, high in bounds]


def from_unit(
    unit: np.ndarray, marginals: list[Any], within_range: bool = False
) -> list[list[Any]]:
    """Map a (n, d) array of uniform numbers to n points, column j through marginal j
    (`within_range`: u = 0 and 1 go to the ends of each marginal's range)."""
    columns = [
        (m.ppf_in_range if within_range else m.ppf)(unit[:, j]) for j, m in enumerate(marginals)
    ]
    return [list(row) for row in zip(*columns)]
