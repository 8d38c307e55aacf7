"""Analytic test functions for benchmarks, run with `FunctionRunner`.

`function: enchanted_surrogates.runners.analytic_functions:friedman1` evaluates a point
with no simulation cost, so a benchmark measures the sampler rather than the code.
"""

from __future__ import annotations

import math


def friedman1(x1: float, x2: float, x3: float, x4: float, x5: float) -> float:
    """Friedman #1 (Friedman, Annals of Statistics 19, 1991) on [0, 1]^5, without noise:
    a sine interaction, a quadratic and two linear terms."""
    return 10 * math.sin(math.pi * x1 * x2) + 20 * (x3 - 0.5) ** 2 + 10 * x4 + 5 * x5
