"""Acquisition functions for Bayesian optimisation, written for minimisation.

Each takes the model's mean and standard deviation at candidate points and the best
(lowest) value observed, and returns a score to maximise.
"""

from __future__ import annotations

import numpy as np
from scipy.special import erfcx, log_ndtr, ndtr

ACQUISITIONS = ("ei", "log_ei", "ucb", "pi")

_LOG_SQRT_2PI = 0.5 * np.log(2 * np.pi)


def expected_improvement(mean: np.ndarray, std: np.ndarray, best: float) -> np.ndarray:
    """E[max(best - f, 0)] under the Gaussian predictive distribution."""
    z = (best - mean) / std
    return std * (np.exp(-0.5 * z**2 - _LOG_SQRT_2PI) + z * ndtr(z))


def log_expected_improvement(mean: np.ndarray, std: np.ndarray, best: float) -> np.ndarray:
    """log EI, computed without underflow far from the incumbent, where EI itself is 0
    and gives no gradient (Ament et al., "Unexpected improvements to expected improvement
    for Bayesian optimization", NeurIPS 2023)."""
    z = (best - mean) / std
    return np.log(std) + _log_h(z)


def upper_confidence_bound(mean: np.ndarray, std: np.ndarray, beta: float) -> np.ndarray:
    """-(mean - sqrt(beta) * std): optimism in the face of uncertainty, for minimisation."""
    return -mean + np.sqrt(beta) * std


def probability_of_improvement(mean: np.ndarray, std: np.ndarray, best: float) -> np.ndarray:
    """P(f < best), on a log scale so that far-away candidates still rank."""
    return log_ndtr((best - mean) / std)


def acquire(kind: str, mean: np.ndarray, std: np.ndarray, best: float, beta: float) -> np.ndarray:
    """The scores of one acquisition function by its config name."""
    if kind == "ei":
        return expected_improvement(mean, std, best)
    if kind == "log_ei":
        return log_expected_improvement(mean, std, best)
    if kind == "ucb":
        return upper_confidence_bound(mean, std, beta)
    return probability_of_improvement(mean, std, best)


def _log_h(z: np.ndarray) -> np.ndarray:
    """log(phi(z) + z * Phi(z)), stable for very negative z via the scaled erfc."""
    z = np.asarray(z, float)
    out = np.empty_like(z)
    upper = z > -1.0
    zu = z[upper]
    out[upper] = np.log(np.exp(-0.5 * zu**2 - _LOG_SQRT_2PI) + zu * ndtr(zu))
    zl = np.maximum(z[~upper], -1e6)
    # phi(z) + z Phi(z) = phi(z) * (1 + z * Phi(z)/phi(z)), Phi/phi = sqrt(pi/2) erfcx(-z/sqrt2)
    ratio = np.sqrt(np.pi / 2) * erfcx(-zl / np.sqrt(2))
    tail = np.log1p(zl * ratio)
    # below about -1e4 the difference cancels in float64; use its asymptote -2 log|z|
    tail = np.where(zl < -1e4, -2 * np.log(-zl), tail)
    out[~upper] = -0.5 * zl**2 - _LOG_SQRT_2PI + tail
    return out
