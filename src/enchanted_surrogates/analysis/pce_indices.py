"""Polynomial-chaos moments and Sobol' indices of a PCE design (chaospy)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from enchanted_surrogates.samplers.pce import unit_distribution


@dataclass
class PCEFit:
    """A fitted expansion: the callable polynomial, and each term's exponents and coefficient."""

    model: Any
    exponents: np.ndarray
    coefficients: np.ndarray


def fit_pce(
    nodes: np.ndarray, y: np.ndarray, order: int, weights: np.ndarray | None = None
) -> PCEFit:
    """The expansion on the unit cube: spectral projection with `weights`, else least squares."""
    import chaospy

    dist = unit_distribution(nodes.shape[1])
    basis = chaospy.generate_expansion(order, dist, normed=True)
    if weights is not None:
        model, coefficients = chaospy.fit_quadrature(basis, nodes.T, weights, y, retall=True)
    else:
        model, coefficients = chaospy.fit_regression(basis, nodes.T, y, retall=True)
    exponents = np.array([term.exponents.max(axis=0) for term in basis])
    return PCEFit(model, exponents, np.asarray(coefficients, dtype=float).ravel())


def pce_summary(fit: PCEFit, parameters: list[str]) -> dict[str, Any]:
    """Mean, standard deviation and first-order/total indices of a fitted expansion.

    The basis is orthonormal, so each term contributes its squared coefficient to the
    variance of the inputs it involves (chaospy's own Sens_t takes minutes at order 8).
    """
    involves = fit.exponents > 0
    constant = ~involves.any(axis=1)
    power = fit.coefficients**2
    variance = float(power[~constant].sum())
    indices = {}
    for j, name in enumerate(parameters):
        only_j = involves[:, j] & (involves.sum(axis=1) == 1)
        indices[name] = {
            "S1": float(power[only_j].sum() / variance) if variance else 0.0,
            "ST": float(power[involves[:, j]].sum() / variance) if variance else 0.0,
        }
    return {
        "mean": float(fit.coefficients[constant].sum()),
        "std": variance**0.5,
        "indices": indices,
    }


def pce_indices(sampler: Any, usable: dict[int, float]) -> dict[str, Any]:
    """The PCE of the design's order. A quadrature grid with a failed node cannot be
    integrated as designed; it is then fitted by least squares on the nodes that ran."""
    cfg = sampler.config
    kept = sorted(usable)
    complete = len(kept) == len(sampler.nodes)
    weights = sampler.weights if complete and sampler.weights is not None else None
    y = np.array([usable[i] for i in kept])
    model = fit_pce(sampler.nodes[kept], y, cfg.order, weights)
    fit = "projection" if weights is not None else "regression"
    return {
        "method": "pce",
        "design": cfg.design,
        "order": cfg.order,
        "fit": fit,
        "runs_used": len(kept),
        **pce_summary(model, sampler.parameters),
    }
