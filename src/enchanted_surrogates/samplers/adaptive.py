"""What active learning and Bayesian optimisation share: learning from results as they come.

An adaptive sampler serves a space-filling start (Sobol or Latin hypercube), then asks
its subclass to choose points with a model fitted on the successful results so far.
`tell` only records (cheap enough for one result at a time in async mode); the model is
refitted lazily at the next `ask`, re-optimising its hyperparameters every `refit_every`
results. Points asked and not yet told are *pending*; with the points of failed runs they
are kept away from, so a batch never holds near-duplicates and failures are not re-asked.
"""

from __future__ import annotations

import inspect
import math
from functools import cache
from typing import Any, ClassVar, Literal

import numpy as np
from pydantic import ConfigDict, Field, PositiveInt, field_validator, model_validator
from scipy.spatial.distance import cdist
from scipy.stats import qmc
from threadpoolctl import ThreadpoolController

from enchanted_surrogates.config.errors import did_you_mean
from enchanted_surrogates.samplers.base import Sampler, SeededSamplerConfig
from enchanted_surrogates.samplers.surrogate_models import MODELS, Surrogate

# scipy 1.15 renamed `seed` to `rng`; the project still supports older scipy.
_SEED_KEYWORD = "rng" if "rng" in inspect.signature(qmc.Sobol).parameters else "seed"


def check_choice(key: str, value: str, known: tuple[str, ...]) -> str:
    """`value` if it is one of `known`, else an error with a did-you-mean (for a field
    validator: pydantic puts the key path in front)."""
    if value in known:
        return value
    hint = did_you_mean(value, known) or f"; choose one of {', '.join(known)}"
    raise ValueError(f"unknown {key.replace('_', ' ')} {value!r}{hint}")


class AdaptiveSamplerConfig(SeededSamplerConfig):
    """Keys of every adaptive sampler."""

    model_config = ConfigDict(extra="forbid")

    bounds: list[tuple[float, float]] = Field(description="[low, high] per parameter")
    budget: PositiveInt = Field(description="number of points")
    batch_size: PositiveInt = Field(
        4, description="points per ask in batch mode (async mode asks one per free worker)"
    )
    initial_samples: PositiveInt | None = Field(
        None, description="space-filling points before the model is used (default 2*d + 6)"
    )
    initial_design: Literal["sobol", "lhs"] = Field(
        "sobol", description="the space-filling start: scrambled Sobol or Latin hypercube"
    )
    target: str = Field("output", description="the output column the model learns")
    model: str = Field(
        "gp", description="gp (Gaussian process) or ensemble (extra trees, for many runs)"
    )
    n_candidates: PositiveInt = Field(
        1000, description="random candidate points scored per ask, drawn afresh each time"
    )
    refit_every: PositiveInt = Field(
        10,
        description="re-optimise the model's hyperparameters after this many new results "
        "(in between it is only conditioned on them)",
    )

    @field_validator("model")
    @classmethod
    def _known_model(cls, value: str) -> str:
        return check_choice("model", value, MODELS)

    @model_validator(mode="after")
    def _enough_dimensions(self) -> AdaptiveSamplerConfig:
        if all(low == high for low, high in self.bounds):
            raise ValueError("bounds: every parameter is fixed; nothing to learn")
        return self


class AdaptiveSampler(Sampler):
    """Bookkeeping for samplers that choose points from a model of the results."""

    learns_from_results: ClassVar[bool] = True
    prefers_async: ClassVar[bool] = True

    config: AdaptiveSamplerConfig

    def __init__(self, cfg: AdaptiveSamplerConfig) -> None:
        super().__init__()
        self._setup_seeded(cfg)
        self.batch_size = cfg.batch_size
        d = len(self.parameters)
        self.initial_samples = min(self.budget, cfg.initial_samples or 2 * d + 6)
        self.target = cfg.target
        self.n_candidates = cfg.n_candidates
        self.refit_every = cfg.refit_every
        low, high = np.array(self.bounds, float).T
        self._low, self._span = low, np.where(high > low, high - low, 1.0)
        self._free = high > low  # fixed parameters take no part in distances
        self.model = Surrogate(cfg.model, d, self.seed)
        self._design = self._space_filling(cfg.initial_design)
        self._x: list[np.ndarray] = []
        self._y: list[float] = []
        self._failed: list[np.ndarray] = []
        self._pending: dict[tuple, np.ndarray] = {}
        self._told = 0
        self._fitted_on = 0
        self._full_on = 0
        self._residuals: list[float] = []
        self.history: list[dict[str, Any]] = []

    # --- the contract -------------------------------------------------------------------
    def propose(self, n: int) -> list[dict]:
        # The matrices are small: one BLAS thread is several times faster than a team of
        # them competing with the workers for the cores (measured: a GP fit on 60 points
        # took 51 ms single-threaded, 600 ms multi-threaded on a busy 2-core machine).
        with _blas().limit(limits=1):
            return self._propose(n)

    def _propose(self, n: int) -> list[dict]:
        start = self.submitted
        units: list[np.ndarray] = []
        for i in range(start, start + n):
            if i < self.initial_samples or not self._refresh_model():
                units.append(self._design[i])  # no model yet: keep filling the space
        rest = n - len(units)
        if rest:
            rng = np.random.default_rng([self.seed, start])
            units.extend(self._choose(rest, rng))
        points = []
        for unit in units:
            point = self._to_point(unit)
            self._pending[self._key(point)] = unit
            points.append(point)
        return points

    def tell(self, results: list[dict]) -> None:
        """Record results; the model is refitted at the next ask, not here."""
        with _blas().limit(limits=1):
            self._record(results)

    def _record(self, results: list[dict]) -> None:
        for row in results:
            try:
                point = {p: float(row[p]) for p in self.parameters}
            except (KeyError, TypeError, ValueError):
                continue  # a row without this sampler's parameters teaches nothing
            unit = self._pending.pop(self._key(point), None)
            if unit is None:
                unit = self._to_unit(point)
            self._told += 1
            value = _finite(row.get(self.target)) if row.get("success") else None
            if value is None:
                self._failed.append(unit)
                continue
            if self.model.fitted:
                mean, _ = self.model.predict(unit[None, :])
                self._residuals.append(value - float(mean[0]))
            self._x.append(unit)
            self._y.append(value)

    def restore(self, points: list[dict], results: list[dict]) -> None:
        """Resume: every recorded point is pending until its recorded result is told."""
        self.submitted = len(points)
        for point in points:
            point = {p: float(point[p]) for p in self.parameters}
            self._pending[self._key(point)] = self._to_unit(point)
        self.tell(results)

    # --- for subclasses -----------------------------------------------------------------
    def _choose(self, n: int, rng: np.random.Generator) -> list[np.ndarray]:
        """n points of the unit cube, chosen with the fitted model."""
        raise NotImplementedError

    def _history_extra(self) -> dict[str, Any]:
        """Fields a subclass adds to each history entry."""
        return {}

    def _candidates(self, rng: np.random.Generator) -> np.ndarray:
        """A fresh random pool in the unit cube (fixed parameters at their value)."""
        pool = rng.random((self.n_candidates, len(self.parameters)))
        pool[:, ~self._free] = 0.0
        return pool

    def _avoid(self) -> np.ndarray:
        """Points a new one should keep away from: pending and failed ones."""
        rows = [*self._pending.values(), *self._failed]
        return np.array(rows) if rows else np.empty((0, len(self.parameters)))

    def _distances(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Euclidean distances in the unit cube between the rows of a and of b."""
        return cdist(a[:, self._free], b[:, self._free])

    def _radius(self) -> float:
        """The typical spacing of the points asked so far, halved: the exclusion radius."""
        d = max(1, int(self._free.sum()))
        return 0.5 * (self.submitted + 1) ** (-1.0 / d)

    @property
    def xy(self) -> tuple[np.ndarray, np.ndarray]:
        """The successful results so far, inputs in the unit cube."""
        return np.array(self._x), np.array(self._y)

    # --- internals ----------------------------------------------------------------------
    @property
    def _min_results(self) -> int:
        return max(3, int(self._free.sum()) + 1)

    def _refresh_model(self) -> bool:
        """Fit the model on any new results; False while there are too few of them."""
        n = len(self._y)
        if n < self._min_results:
            return False
        if n == self._fitted_on:
            return True
        full = self._full_on == 0 or n - self._full_on >= self.refit_every
        x, y = self.xy
        self.model.fit(x, y, full=full)
        self._fitted_on = n
        entry: dict[str, Any] = {
            "results": self._told,
            "successes": n,
            "failed": len(self._failed),
            "fit": "full" if full else "cheap",
        }
        if self._residuals:
            entry["rmse_next"] = float(np.sqrt(np.mean(np.square(self._residuals))))
            entry["n_next"] = len(self._residuals)
            self._residuals = []
        if full:
            self._full_on = n
            entry["model"] = self.model.describe()
        entry.update(self._history_extra())
        self.history.append(entry)
        return True

    def _space_filling(self, kind: str) -> np.ndarray:
        """The whole budget's worth of one Sobol or LHS design; its prefix is the start."""
        d = len(self.parameters)
        if kind == "lhs":
            unit = qmc.LatinHypercube(d=d, **{_SEED_KEYWORD: self.seed}).random(self.budget)
        else:
            engine = qmc.Sobol(d=d, **{_SEED_KEYWORD: self.seed})
            unit = engine.random_base2((self.budget - 1).bit_length())[: self.budget]
        unit[:, ~self._free] = 0.0
        return unit

    def _to_point(self, unit: np.ndarray) -> dict[str, float]:
        values = self._low + np.clip(unit, 0.0, 1.0) * np.where(self._free, self._span, 0.0)
        return dict(zip(self.parameters, map(float, values)))

    def _to_unit(self, point: dict[str, float]) -> np.ndarray:
        values = np.array([point[p] for p in self.parameters], float)
        return np.where(self._free, (values - self._low) / self._span, 0.0)

    def _key(self, point: dict[str, float]) -> tuple:
        return tuple(point[p] for p in self.parameters)


@cache
def _blas() -> ThreadpoolController:
    return ThreadpoolController()


def _finite(value: Any) -> float | None:
    """The value as a float if it is a finite number, else None (a failure to learn from)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None
