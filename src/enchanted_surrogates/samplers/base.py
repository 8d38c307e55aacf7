"""The sampler contract: `ask(n)` for new points, `tell(results)` for finished runs.

Samplers written for the original enchanted-surrogates implement `get_next_samples()`
and `register_future(df)` instead; the base class bridges both directions so either kind
runs under the same supervisor.
"""

from __future__ import annotations

import math
import numbers
import secrets
from typing import Any, ClassVar

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    FiniteFloat,
    NonNegativeInt,
    PositiveInt,
    model_validator,
)


class SamplerConfig(BaseModel):
    """Keys every built-in sampler shares; a sampler's own `Config` extends it."""

    model_config = ConfigDict(extra="forbid")

    parameters: list[str] = Field(min_length=1)
    bounds: list[tuple[FiniteFloat, FiniteFloat]] | None = None
    budget: PositiveInt | None = None
    batch_size: PositiveInt | None = None

    @model_validator(mode="after")
    def _check_parameters_and_bounds(self) -> SamplerConfig:
        unusable = [p for p in self.parameters if not p.strip() or "/" in p]
        if unusable:  # a column name; HDF5 reads / as a group path
            raise ValueError(f"parameters: {unusable[0]!r} is not a usable name (empty or has /)")
        duplicates = sorted({p for p in self.parameters if self.parameters.count(p) > 1})
        if duplicates:
            raise ValueError(f"parameters: duplicate names {duplicates}")
        if self.bounds is not None:
            if len(self.bounds) != len(self.parameters):
                raise ValueError(
                    f"bounds: {len(self.parameters)} parameters but {len(self.bounds)} bounds"
                )
            for name, (low, high) in zip(self.parameters, self.bounds):
                if not (math.isfinite(low) and math.isfinite(high)):
                    raise ValueError(f"bounds: [{low}, {high}] for {name!r} must be finite")
                if not low <= high:
                    raise ValueError(f"bounds: lower bound {low} > upper bound {high} for {name!r}")
        return self


class SeededSamplerConfig(SamplerConfig):
    """For samplers that draw random numbers: the same seed gives the same points."""

    seed: NonNegativeInt | None = None


def resolve_seed(seed: int | None) -> int:
    """The given seed, or a fresh one drawn once so the campaign can record and replay it."""
    return seed if seed is not None else secrets.randbits(32)


def plain(value: Any) -> Any:
    """Turn numpy scalars into Python ones so points serialise to JSON unchanged."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    return value


class Sampler:
    """Chooses the points of a campaign.

    New samplers implement `propose(n)`; adaptive ones also override `tell` and set
    `learns_from_results = True` (the supervisor then defaults to batch mode or feeds them
    results as they arrive). An adaptive sampler that is cheap to tell one result at a
    time and to ask for any number of points sets `prefers_async = True` too: `auto` mode
    then keeps the workers busy instead of waiting for whole batches. The base class keeps
    `budget`, `submitted` and `has_budget`.
    """

    Config: ClassVar[type[BaseModel] | None] = None
    learns_from_results: ClassVar[bool] = False
    prefers_async: ClassVar[bool] = False

    _budget: int = 100
    _submitted: int = 0
    batch_size: int | None = None
    parameters: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    # --- counters (same names as the original, so old samplers keep working) -----------
    @property
    def budget(self) -> int:
        return self._budget

    @budget.setter
    def budget(self, value: int) -> None:
        self._budget = int(value)

    @property
    def submitted(self) -> int:
        return self._submitted

    @submitted.setter
    def submitted(self, value: int) -> None:
        self._submitted = int(value)

    @property
    def has_budget(self) -> bool:
        return self.submitted < self.budget

    def _setup_seeded(self, cfg: SeededSamplerConfig) -> None:
        """Common set-up of samplers drawing random numbers. A seed drawn here goes into
        `self.config` too, so the recorded config reproduces the points."""
        self.seed = resolve_seed(cfg.seed)
        self.config = cfg.model_copy(update={"seed": self.seed})
        self.parameters = list(cfg.parameters)
        self.bounds = [tuple(b) for b in cfg.bounds or []]
        self.budget = cfg.budget
        self.batch_size = cfg.batch_size or self.budget

    # --- new-style contract ------------------------------------------------------------
    def propose(self, n: int) -> list[dict]:
        """Return up to `n` new points, starting at point index `self.submitted`.

        Called only through `ask`, only while budget remains. Built-in samplers make point
        i depend on the seed and i alone, so chunking asks differently changes nothing.
        """
        raise NotImplementedError(f"{type(self).__name__} implements neither propose() nor ask()")

    def ask(self, n: int) -> list[dict]:
        """Up to `n` new points, never more than the remaining budget."""
        if _overrides(self, "get_next_samples") and not _overrides(self, "propose"):
            return [_plain_point(p) for p in self.get_next_samples()]
        n = min(int(n), self.budget - self.submitted)
        if n <= 0:
            return []
        points = [_plain_point(p) for p in self.propose(n)[:n]]
        self.submitted += len(points)
        return points

    def tell(self, results: list[dict]) -> None:
        """Learn from finished runs (rows with parameters, outputs, `success`, `status`)."""
        if _overrides(self, "register_future"):
            import pandas as pd

            rows = self.__dict__.setdefault("_legacy_rows", [])
            rows.extend(results)
            self.register_future(pd.DataFrame(rows))

    def restore(self, points: list[dict], results: list[dict]) -> None:
        """Continue after `points` were asked (and `results` came back) in an earlier run.

        Built-in samplers make point i a function of the seed and i alone, so moving the
        position is enough; learning samplers are also told the recorded results.
        """
        self.submitted = len(points)
        if _overrides(self, "register_future"):
            # an original-API sampler gets "the dataset so far", old rows included
            self.__dict__["_legacy_rows"] = list(results)
        elif results and self.learns_from_results:
            self.tell(results)

    # --- original contract, bridged to the new one ----------------------------------------
    def get_next_samples(self) -> list[dict]:
        """The original API: the next batch of `batch_size` points."""
        return self.ask(self.batch_size or self.budget)

    def register_future(self, future: Any) -> None:
        """The original API: receives the dataset so far (a DataFrame)."""
        return None

    def describe(self) -> str:
        """One line for `enchanted validate`."""
        return f"{type(self).__name__}: {self.budget} points over {list(self.parameters)}"


def _overrides(obj: object, name: str) -> bool:
    return getattr(type(obj), name) is not getattr(Sampler, name)


def _plain_point(point: dict) -> dict:
    return {str(k): plain(v) for k, v in point.items()}


def is_legacy(sampler: object) -> bool:
    """True for samplers written against get_next_samples/register_future only."""
    return not hasattr(sampler, "ask") or (
        isinstance(sampler, Sampler)
        and _overrides(sampler, "get_next_samples")
        and not _overrides(sampler, "propose")
    )
