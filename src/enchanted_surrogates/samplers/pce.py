"""Polynomial-chaos designs (through chaospy): quadrature, sparse grid, or regression points."""

from __future__ import annotations

import inspect
import math
from functools import cached_property
from typing import Any, Literal

import numpy as np
from pydantic import ConfigDict, Field, PositiveInt, model_validator
from scipy.stats import qmc

from enchanted_surrogates.samplers.base import SeededSamplerConfig, resolve_seed
from enchanted_surrogates.samplers.distributions import DistributionsConfig, from_unit
from enchanted_surrogates.samplers.fixed_design import FixedDesignSampler
from enchanted_surrogates.samplers.uq_extra import require

_SEED_KEYWORD = "rng" if "rng" in inspect.signature(qmc.Sobol).parameters else "seed"


def unit_distribution(d: int) -> Any:
    """The joint uniform distribution on the unit cube that the expansions are built on.

    Every parameter's own distribution is reached through its inverse CDF, so one
    orthogonal basis (Legendre) serves all of them and the indices are those of the inputs.
    """
    import chaospy

    return chaospy.J(*[chaospy.Uniform(0.0, 1.0) for _ in range(d)])


def expansion_terms(d: int, order: int) -> int:
    """Number of polynomials of total degree <= order in d variables."""
    return math.comb(d + order, d)


class PCESampler(FixedDesignSampler):
    """The nodes of a polynomial-chaos design, for `enchanted analyse`.

    `quadrature`: a full Gauss-Legendre tensor grid ((order + 1)^D nodes); `sparse`: a
    Smolyak grid of Clenshaw-Curtis nodes (far fewer in many dimensions); `regression`: a
    scrambled Sobol' design of `budget` points (default twice the number of expansion terms)
    for a least-squares fit. All are built on the unit cube and mapped through each
    parameter's inverse CDF; point i depends on the config (and seed) alone.
    """

    class Config(DistributionsConfig, SeededSamplerConfig):
        model_config = ConfigDict(title="PCESampler")

        bounds: list[tuple[float, float]] = Field(
            description="[low, high] per parameter (uniform), or give `distributions`"
        )
        design: Literal["quadrature", "sparse", "regression"] = Field(
            "regression", description="quadrature | sparse | regression"
        )
        order: PositiveInt = Field(description="polynomial order of the expansion")
        budget: PositiveInt | None = Field(
            None,
            description="regression: number of points (default 2x the expansion terms); "
            "quadrature/sparse: set by the grid (a smaller value runs only a prefix)",
        )

        @model_validator(mode="after")
        def _check(self) -> PCESampler.Config:
            require("chaospy")
            terms = expansion_terms(len(self.parameters), self.order)
            if self.design == "regression" and self.budget is not None and self.budget < terms:
                raise ValueError(
                    f"budget: {self.budget} points cannot fit the {terms} terms of an order "
                    f"{self.order} expansion in {len(self.parameters)} parameters"
                )
            return self

    config: Config

    def __init__(self, **kwargs: Any) -> None:
        super().__init__()
        cfg = self.Config(**kwargs)
        cfg = cfg.model_copy(update={"seed": resolve_seed(cfg.seed)})
        self._cfg = cfg
        size = self.design_size(cfg)
        self._setup_seeded(cfg.model_copy(update={"budget": min(cfg.budget or size, size)}))

    def design_size(self, cfg: Config) -> int:
        """How many nodes the design has, without building it where that can be avoided."""
        d = len(cfg.parameters)
        if cfg.design == "regression":
            return cfg.budget or 2 * expansion_terms(d, cfg.order)
        if cfg.design == "quadrature":
            return (cfg.order + 1) ** d
        return len(self.nodes)  # a Smolyak grid's size is known once it is built

    # Built on first use, not at init: `enchanted validate` builds every sampler, and a
    # design of a mistyped size can be far larger than memory.
    @cached_property
    def _unit(self) -> tuple[np.ndarray, np.ndarray | None]:
        return self.unit_design(self._cfg)

    @property
    def nodes(self) -> np.ndarray:
        return self._unit[0]

    @property
    def weights(self) -> np.ndarray | None:
        return self._unit[1]

    @cached_property
    def design(self) -> list[list[Any]]:
        return from_unit(self.nodes, self._cfg.marginals())

    @staticmethod
    def unit_design(cfg: Config) -> tuple[np.ndarray, np.ndarray | None]:
        """(nodes (n, D) on the unit cube, quadrature weights or None for regression)."""
        import chaospy

        d = len(cfg.parameters)
        if cfg.design == "regression":
            n = cfg.budget or 2 * expansion_terms(d, cfg.order)
            engine = qmc.Sobol(d=d, scramble=True, **{_SEED_KEYWORD: cfg.seed})
            return engine.random_base2(max(n - 1, 1).bit_length())[:n], None
        sparse = cfg.design == "sparse"
        nodes, weights = chaospy.generate_quadrature(
            cfg.order,
            unit_distribution(d),
            rule="clenshaw_curtis" if sparse else "gaussian",
            sparse=sparse,
            growth=sparse,
        )
        return np.asarray(nodes).T, np.asarray(weights)

    def describe(self) -> str:
        return (
            f"PCESampler: {self.config.design} design of order {self.config.order}, "
            f"{self.budget} points over {self.parameters}"
        )
