"""Bayesian optimisation: look for the minimum (or maximum) of an output in few runs."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from pydantic import ConfigDict, Field, PositiveFloat, field_validator, model_validator
from scipy.optimize import minimize

from enchanted_surrogates.samplers import original_settings
from enchanted_surrogates.samplers.acquisition import ACQUISITIONS, acquire
from enchanted_surrogates.samplers.adaptive import (
    AdaptiveSampler,
    AdaptiveSamplerConfig,
    check_choice,
)
from enchanted_surrogates.samplers.surrogate_models import Surrogate

BATCH_STRATEGIES = ("kriging_believer", "constant_liar")
_SAME_POINT = 1e-6  # unit-cube distance below which two points count as one


class BayesianOptimizationSampler(AdaptiveSampler):
    """Maximises an acquisition function of a Gaussian-process model of `target`.

    The best of a fresh random candidate pool is polished with L-BFGS-B. Points that are
    pending (asked, not yet told) or picked earlier in the same batch are treated as
    observed with a made-up value — the model's mean (Kriging believer) or the best value
    so far (constant liar) — so a batch spreads out instead of asking one point k times.
    """

    class Config(AdaptiveSamplerConfig):
        model_config = ConfigDict(title="BayesianOptimizationSampler")

        acquisition: str = Field(
            "log_ei", description=f"acquisition function: {', '.join(ACQUISITIONS)}"
        )
        ucb_beta: PositiveFloat = Field(
            4.0, description="ucb: exploration weight, score = -mean + sqrt(beta) * std"
        )
        direction: Literal["minimize", "maximize"] = Field(
            "minimize", description="look for the smallest or the largest target"
        )
        batch_strategy: str = Field(
            "kriging_believer",
            description="values assumed at pending points: kriging_believer or constant_liar",
        )
        random_fraction: float = Field(
            0.0, ge=0.0, lt=1.0, description="share of points drawn uniformly at random"
        )
        polish: bool = Field(True, description="refine the best candidate with L-BFGS-B")

        @model_validator(mode="before")
        @classmethod
        def _original_keys(cls, data: Any) -> Any:
            return original_settings.bayesian_optimization_keys(data)

        @field_validator("acquisition")
        @classmethod
        def _known_acquisition(cls, value: str) -> str:
            return check_choice("acquisition", value, ACQUISITIONS)

        @field_validator("batch_strategy")
        @classmethod
        def _known_batch_strategy(cls, value: str) -> str:
            return check_choice("batch_strategy", value, BATCH_STRATEGIES)

    config: Config

    def __init__(self, **kwargs: Any) -> None:
        cfg = self.Config(**kwargs)
        super().__init__(cfg)
        self.acquisition = cfg.acquisition
        self.beta = cfg.ucb_beta
        self.sign = 1.0 if cfg.direction == "minimize" else -1.0
        self.batch_strategy = cfg.batch_strategy
        self.random_fraction = cfg.random_fraction
        self.polish = cfg.polish

    @property
    def best(self) -> float | None:
        """The best target value told so far (in the config's direction)."""
        if not self._y:
            return None
        return float(min(self._y) if self.sign > 0 else max(self._y))

    def _choose(self, n: int, rng: np.random.Generator) -> list[np.ndarray]:
        candidates = self._candidates(rng)
        best = self.sign * float(self.best)
        failed = np.array(self._failed) if self._failed else None
        if failed is not None:
            far = self._distances(candidates, failed).min(axis=1) > self._radius()
            candidates = candidates[far] if far.any() else candidates
        fantasy_x = list(self._pending.values())
        fantasy_y = [self._lie(self.model, u) for u in fantasy_x]
        chosen: list[np.ndarray] = []
        for _ in range(n):
            model = (
                self.model.condition(np.array(fantasy_x), np.array(fantasy_y))
                if fantasy_x
                else self.model
            )
            # a believed value counts as observed: it may be the new incumbent
            incumbent = min([best, *(self.sign * v for v in fantasy_y)])
            if rng.random() < self.random_fraction:
                pick = candidates[rng.integers(len(candidates))]
            else:
                known = np.array([*self._x, *self._failed, *fantasy_x])
                pick = self._maximise(model, candidates, incumbent, known)
            chosen.append(pick)
            fantasy_x.append(pick)
            fantasy_y.append(self._lie(model, pick))
        return chosen

    def _maximise(
        self, model: Surrogate, candidates: np.ndarray, best: float, known: np.ndarray
    ) -> np.ndarray:
        """The candidate with the best acquisition, polished by a local optimiser; never a
        point already asked (on a boundary optimum the optimiser would return it again)."""

        def score(units: np.ndarray) -> np.ndarray:
            mean, std = model.predict(units)
            return acquire(self.acquisition, self.sign * mean, std, best, self.beta)

        start = candidates[int(np.argmax(score(candidates)))]
        if not self.polish:
            return start
        bounds = [(0.0, 1.0) if free else (0.0, 0.0) for free in self._free]
        found = minimize(
            lambda u: -score(u[None, :])[0],
            start,
            method="L-BFGS-B",
            bounds=bounds,
            options={"maxiter": 50},
        )
        polished = np.clip(found.x, 0.0, 1.0)
        better = found.success and -found.fun > score(start[None, :])[0]
        if better and self._distances(polished[None, :], known).min() > _SAME_POINT:
            return polished
        return start

    def _lie(self, model: Surrogate, unit: np.ndarray) -> float:
        """The value a pending point is assumed to have, until its result arrives."""
        if self.batch_strategy == "constant_liar":
            return float(self.best)
        mean, _ = model.predict(unit[None, :])
        return float(mean[0])

    def _history_extra(self) -> dict[str, Any]:
        return {"best": self.best}

    def describe(self) -> str:
        direction = "minimise" if self.sign > 0 else "maximise"
        return (
            f"BayesianOptimizationSampler: {direction} {self.target!r} over {self.parameters} "
            f"in {self.budget} points, {self.acquisition}, seed {self.seed}"
        )
