"""Designs analysed block by block (Saltelli, Morris): a block with a missing run is dropped."""

from __future__ import annotations

import numpy as np


def complete_blocks(
    usable: dict[int, float], block: int, size: int
) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """(kept design indices, their values, dropped block numbers) for a design of `size`
    points in blocks of `block` rows; a block is kept only if every run in it is usable."""
    kept: list[int] = []
    dropped: list[int] = []
    for start in range(0, size, block):
        indices = range(start, start + block)
        if all(i in usable for i in indices):
            kept.extend(indices)
        else:
            dropped.append(start // block)
    return np.array(kept, dtype=int), np.array([usable[i] for i in kept]), dropped
