"""Active-learning query strategies: how useful a candidate point would be to the model.

Each strategy scores a candidate pool once per ask (higher is better) and, for greedy
batches, updates the scores after each pick as if the picked point were already known:

* `variance` — the model's predictive standard deviation (uncertainty sampling).
* `alc` — the drop of the model's variance summed over the pool if the point were known
  (Cohn's criterion; Gaussian process only): unlike `variance`, it does not crowd the
  boundary, where variance is high but few points benefit.
* `qbc` — query by committee: the spread of models fitted on bootstrap resamples.
* `gsx` — greedy sampling in input space: distance to the nearest known point.
* `gsy` — greedy sampling in output space: distance of the predicted value to the
  nearest observed value.
* `igs` — improved greedy sampling: the smallest product of both distances.

The GS family follows Wu, Lin and Huang, "Active learning for regression using greedy
sampling", Information Sciences 474 (2019).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from enchanted_surrogates.samplers.surrogate_models import Surrogate

STRATEGIES = ("variance", "alc", "qbc", "gsx", "gsy", "igs")


@dataclass
class Pool:
    """A candidate pool and what the strategies need to know about it."""

    candidates: np.ndarray  # unit cube, one row per candidate
    x: np.ndarray  # successful points so far, unit cube
    y: np.ndarray  # their target values
    model: Surrogate
    rng: np.random.Generator

    def __post_init__(self) -> None:
        self.mean, self.std = self.model.predict(self.candidates)


def initial_scores(strategy: str, pool: Pool, distances: Callable[[], np.ndarray]) -> np.ndarray:
    """Scores of every candidate; `distances()` gives candidates x known points."""
    if strategy == "variance":
        return pool.std.copy()
    if strategy == "alc":
        reference = pool.candidates[: min(len(pool.candidates), 256)]
        return pool.model.variance_reduction(pool.candidates, reference)
    if strategy == "qbc":
        return pool.model.committee_spread(pool.candidates, pool.rng)
    output_gap = np.abs(pool.mean[:, None] - pool.y[None, :])
    if strategy == "gsx":
        return distances().min(axis=1)
    if strategy == "gsy":
        return output_gap.min(axis=1)
    return (distances() * output_gap).min(axis=1)


def after_pick(
    strategy: str, scores: np.ndarray, pool: Pool, picked: int, distance: np.ndarray
) -> np.ndarray:
    """Scores once candidate `picked` counts as known; `distance` is each candidate's
    distance to it. Model-based scores are left alone: the batch penalty spreads them."""
    if strategy not in ("gsx", "gsy", "igs"):
        return scores
    gap = np.abs(pool.mean - pool.mean[picked])
    if strategy == "gsx":
        return np.minimum(scores, distance)
    if strategy == "gsy":
        return np.minimum(scores, gap)
    return np.minimum(scores, distance * gap)
