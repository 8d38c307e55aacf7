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


def ishigami(x1: float, x2: float, x3: float, a: float = 7.0, b: float = 0.1) -> float:
    """Ishigami function on [-pi, pi]^3: the classic sensitivity-analysis test case."""
    return math.sin(x1) + a * math.sin(x2) ** 2 + b * x3**4 * math.sin(x1)


def ishigami_indices(a: float = 7.0, b: float = 0.1) -> dict[str, dict[str, float]]:
    """Exact first-order (S1) and total (ST) Sobol' indices of `ishigami`."""
    pi4 = math.pi**4
    v1 = 0.5 * (1 + b * pi4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * math.pi**8 * (1 / 18 - 1 / 50)
    total = v1 + v2 + v13
    return {
        "x1": {"S1": v1 / total, "ST": (v1 + v13) / total},
        "x2": {"S1": v2 / total, "ST": v2 / total},
        "x3": {"S1": 0.0, "ST": v13 / total},
    }


G_COEFFICIENTS = (0.0, 1.0, 4.5, 9.0, 99.0, 99.0)


def sobol_g(params: dict[str, float]) -> float:
    """Sobol' G-function on [0, 1]^d (call: dict): parameters x1..xd, in name order, take
    the coefficients of `G_COEFFICIENTS` (small: important)."""
    value = 1.0
    for j, name in enumerate(sorted(params, key=lambda p: int(p.lstrip("x")))):
        a = G_COEFFICIENTS[j]
        value *= (abs(4 * params[name] - 2) + a) / (1 + a)
    return value


def sobol_g_indices(d: int) -> dict[str, dict[str, float]]:
    """Exact first-order and total indices of `sobol_g` in d dimensions."""
    partial = [1 / (3 * (1 + a) ** 2) for a in G_COEFFICIENTS[:d]]
    product = math.prod(1 + v for v in partial)
    total = product - 1
    return {
        f"x{j + 1}": {"S1": v / total, "ST": v * product / (1 + v) / total}
        for j, v in enumerate(partial)
    }
