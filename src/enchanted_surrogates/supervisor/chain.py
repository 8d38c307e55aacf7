"""A level's unit of work: one point on one parent row, on its way through the stages,
and the run directory names it gets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


def run_name(depth: int, batch: int, sample: int, stage: int) -> str:
    """Run directory name, unchanged from the original: d{depth}_b{batch}_s{sample}_r{stage}."""
    return f"d{depth}_b{batch}_s{sample}_r{stage}"


@dataclass
class Chain:
    """One point on one parent row, on its way through the level's stages."""

    index: int  # the point's index within the level (the order it was asked)
    parent: int  # the parent row's index (0 at the first level)
    attempt: int = 1  # of the stage now running


@dataclass
class FinishedChain:
    index: int
    parent: int
    row: dict[str, Any]
