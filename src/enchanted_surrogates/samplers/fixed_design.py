"""Samplers whose points are one design fixed by the seed (LHS, Saltelli, Morris, PCE):
point i is row i of `design`, so asking in any chunks gives the same points."""

from __future__ import annotations

from typing import Any

from enchanted_surrogates.samplers.base import Sampler


class FixedDesignSampler(Sampler):
    """Subclasses provide `design` (rows in parameter order), built on first use."""

    design: list[list[Any]]

    def propose(self, n: int) -> list[dict]:
        rows = self.design[self.submitted : self.submitted + n]
        return [dict(zip(self.parameters, row)) for row in rows]
