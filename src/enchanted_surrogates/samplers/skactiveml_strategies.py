"""Optional query strategies from scikit-activeml: `query_strategy: skactiveml:Name`.

Only used when the package is installed; nothing else in the project imports it. The
strategy scores the candidate pool with a fresh copy of the sampler's own model (same
kernel, so no hyperparameter search); the sampler's batch penalty then spreads the picks,
as for the built-in strategies.
"""

from __future__ import annotations

import importlib

import numpy as np

from enchanted_surrogates.config.errors import did_you_mean
from enchanted_surrogates.samplers.surrogate_models import Surrogate

PREFIX = "skactiveml:"
# regression strategies whose query(X, y, reg, candidates=...) works with any regressor
SUPPORTED = ("GreedySamplingTarget", "ExpectedModelChangeMaximization")


def check(value: str) -> str:
    """`value` if scikit-activeml is installed and offers the strategy, else a clear error."""
    name = value.removeprefix(PREFIX)
    if name not in SUPPORTED:
        hint = did_you_mean(name, SUPPORTED) or f"; supported: {', '.join(SUPPORTED)}"
        raise ValueError(f"unknown scikit-activeml strategy {name!r}{hint}")
    try:
        importlib.import_module("skactiveml.pool")
    except ImportError:
        raise ValueError(
            f"{value!r} needs the optional package scikit-activeml "
            "(pip install scikit-activeml), which is not installed"
        ) from None
    return value


def scores(
    value: str, model: Surrogate, x: np.ndarray, y: np.ndarray, candidates: np.ndarray, seed: int
) -> np.ndarray:
    """The strategy's utility of each candidate (higher is better)."""
    from skactiveml import pool
    from skactiveml.regressor import SklearnRegressor

    strategy = getattr(pool, value.removeprefix(PREFIX))(random_state=seed)
    regressor = SklearnRegressor(model.estimator(), random_state=seed)
    _, utilities = strategy.query(
        x, y, regressor, candidates=candidates, batch_size=1, return_utilities=True
    )
    return np.nan_to_num(utilities[0], nan=0.0)  # utilities are >= 0; nan: no use
