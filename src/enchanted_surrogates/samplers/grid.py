"""Full-factorial grid: evenly spaced values per parameter, every combination run once."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from pydantic import ConfigDict, Field, PositiveInt, model_validator

from enchanted_surrogates.samplers.base import SamplerConfig
from enchanted_surrogates.samplers.product import ProductSampler

MAX_GRID_POINTS = 1_000_000


class GridSampler(ProductSampler):
    """Runs the cartesian product of `numpy.linspace(low, high, k)` axes.

    Points come in `itertools.product` order (last parameter varies fastest) and point i is
    decoded from its index alone, so the order never depends on how the points are asked for.
    """

    class Config(SamplerConfig):
        model_config = ConfigDict(title="GridSampler")

        bounds: list[tuple[float, float]] = Field(
            description="[low, high] per parameter; both ends are grid points"
        )
        num_samples: PositiveInt | list[PositiveInt] = Field(
            description="grid points per parameter: one int for all, or one int per parameter"
        )
        budget: PositiveInt | None = Field(
            None, description="run only the first `budget` grid points (default: all)"
        )

        @model_validator(mode="after")
        def _check_grid_size(self) -> GridSampler.Config:
            if isinstance(self.num_samples, list) and len(self.num_samples) != len(self.parameters):
                raise ValueError(
                    f"num_samples: {len(self.parameters)} parameters but "
                    f"{len(self.num_samples)} entries"
                )
            size = math.prod(self.axis_sizes())
            if size > MAX_GRID_POINTS:
                shape = " × ".join(map(str, self.axis_sizes()))
                raise ValueError(
                    f"num_samples: a {shape} grid has {size:,} points, more than the limit of "
                    f"{MAX_GRID_POINTS:,}; use fewer points per parameter or a random, "
                    "latin_hypercube or sobol sampler"
                )
            return self

        def axis_sizes(self) -> list[int]:
            """Points per parameter, with a single int expanded to every parameter."""
            if isinstance(self.num_samples, int):
                return [self.num_samples] * len(self.parameters)
            return list(self.num_samples)

    config: Config

    def __init__(self, **kwargs: Any) -> None:
        super().__init__()
        cfg = self.Config(**kwargs)
        self.config = cfg
        self.parameters = list(cfg.parameters)
        self.bounds = [tuple(b) for b in cfg.bounds]
        axes = [
            [float(v) for v in np.linspace(low, high, k)]
            for (low, high), k in zip(cfg.bounds, cfg.axis_sizes())
        ]
        self._set_axes(axes, cfg.budget)
        self.grid_size = self.size
        self.batch_size = cfg.batch_size or self.budget
