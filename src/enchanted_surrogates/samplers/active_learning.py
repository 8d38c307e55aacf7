"""Active learning: put the runs where a surrogate model of the output is least sure."""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import ConfigDict, Field, PositiveInt, field_validator, model_validator

from enchanted_surrogates.samplers import original_settings, skactiveml_strategies
from enchanted_surrogates.samplers.adaptive import (
    AdaptiveSampler,
    AdaptiveSamplerConfig,
    check_choice,
)
from enchanted_surrogates.samplers.query_strategies import (
    STRATEGIES,
    Pool,
    after_pick,
    initial_scores,
)


class ActiveLearningSampler(AdaptiveSampler):
    """Chooses each point by a query strategy over a fresh random candidate pool.

    A batch is picked greedily: after each pick the strategy's scores are updated and
    every candidate's score is scaled by `1 - exp(-d^2 / 2r^2)`, d its distance to the
    nearest pending, failed or just-picked point and r half the current point spacing, so
    a batch (or a run of async asks) does not pile up in one spot.
    """

    class Config(AdaptiveSamplerConfig):
        model_config = ConfigDict(title="ActiveLearningSampler")

        query_strategy: str | None = Field(
            None,
            description=f"how to score candidates: {', '.join(STRATEGIES)} "
            "(default: alc with a gp model, variance with an ensemble), or "
            "skactiveml:GreedySamplingTarget / skactiveml:ExpectedModelChangeMaximization "
            "when scikit-activeml is installed",
        )
        committee_size: PositiveInt = Field(5, description="bootstrap models in the qbc committee")

        @model_validator(mode="before")
        @classmethod
        def _original_names(cls, data: Any) -> Any:
            return original_settings.active_learning_keys(data)

        @field_validator("query_strategy")
        @classmethod
        def _known_strategy(cls, value: str | None) -> str | None:
            if value is None:
                return None
            if value.startswith(skactiveml_strategies.PREFIX):
                return skactiveml_strategies.check(value)
            if value[:1].isupper() and value not in STRATEGIES:  # a scikit-activeml class
                raise ValueError(
                    f"unknown query strategy {value!r}; a scikit-activeml strategy is "
                    f"written skactiveml:{value}, built in are {', '.join(STRATEGIES)}"
                )
            return check_choice("query_strategy", value, STRATEGIES)

        @model_validator(mode="after")
        def _strategy_fits_model(self) -> ActiveLearningSampler.Config:
            if self.query_strategy == "alc" and self.model != "gp":
                raise ValueError(
                    "query_strategy: alc needs model: gp (an ensemble has no covariance)"
                )
            return self

        def strategy(self) -> str:
            """The query strategy, with the default resolved for the model."""
            return self.query_strategy or ("alc" if self.model == "gp" else "variance")

    config: Config

    def __init__(self, **kwargs: Any) -> None:
        cfg = self.Config(**kwargs)
        super().__init__(cfg)
        self.strategy = cfg.strategy()
        self.model.committee_size = cfg.committee_size

    def _choose(self, n: int, rng: np.random.Generator) -> list[np.ndarray]:
        x, y = self.xy
        pool = Pool(self._candidates(rng), x, y, self.model, rng)
        if self.strategy.startswith(skactiveml_strategies.PREFIX):
            scores = skactiveml_strategies.scores(
                self.strategy, self.model, x, y, pool.candidates, self.seed
            )
        else:
            scores = initial_scores(
                self.strategy, pool, lambda: self._distances(pool.candidates, x)
            )
        avoid = self._avoid()
        nearest = (
            self._distances(pool.candidates, avoid).min(axis=1)
            if len(avoid)
            else np.full(len(pool.candidates), np.inf)
        )
        radius = self._radius()
        chosen: list[np.ndarray] = []
        for _ in range(min(n, len(pool.candidates))):
            penalised = scores * -np.expm1(-(nearest**2) / (2 * radius**2))
            pick = int(np.argmax(penalised))
            chosen.append(pool.candidates[pick])
            distance = self._distances(pool.candidates, pool.candidates[pick : pick + 1])[:, 0]
            scores = after_pick(self.strategy, scores, pool, pick, distance)
            nearest = np.minimum(nearest, distance)
        return chosen

    def describe(self) -> str:
        return (
            f"ActiveLearningSampler: {self.budget} points over {self.parameters}, "
            f"{self.strategy} strategy, {self.model.kind} model of {self.target!r}, "
            f"seed {self.seed}"
        )
