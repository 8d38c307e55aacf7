"""Samplers that walk a cartesian product of per-parameter value lists, in order.

Point i is computed from i alone (last parameter fastest), so asks can be chunked any
way and a resumed campaign continues exactly where it stopped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from enchanted_surrogates.samplers.base import Sampler


class ProductSampler(Sampler):
    """Base for GridSampler and ArraySampler: `self.axes` holds one value list per parameter."""

    axes: list[Sequence[Any]]
    noun = "points"

    def _set_axes(self, axes: list[Sequence[Any]], budget: int | None) -> None:
        self.axes = axes
        self.size = math.prod(len(axis) for axis in axes)
        # A budget above the product cannot add points: the product is run once.
        self.budget = min(budget, self.size) if budget else self.size

    def point(self, index: int) -> dict[str, Any]:
        """Combination number `index` in product order (last parameter fastest)."""
        chosen = []
        for axis in reversed(self.axes):
            index, position = divmod(index, len(axis))
            chosen.append(axis[position])
        return dict(zip(self.parameters, reversed(chosen)))

    def propose(self, n: int) -> list[dict]:
        start = self.submitted
        return [self.point(i) for i in range(start, min(start + n, self.budget))]

    def describe(self) -> str:
        shape = " × ".join(str(len(axis)) for axis in self.axes)
        name = type(self).__name__
        if self.budget < self.size:
            return (
                f"{name}: first {self.budget} of {self.size} {self.noun} ({shape}) "
                f"over {self.parameters}"
            )
        return f"{name}: {self.budget} {self.noun} ({shape}) over {self.parameters}"
