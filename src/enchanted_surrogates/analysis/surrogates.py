"""Surrogates fitted to a dataset: Gaussian process (scikit-learn) or polynomial chaos.

Inputs are mapped to the unit cube first, through each parameter's CDF when the sampler
knows its distribution, else linearly over its bounds (or the data's range). Indices of a
surrogate are then those of the inputs as the campaign sampled them.
"""

from __future__ import annotations

import math
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from enchanted_surrogates.analysis.pce_indices import fit_pce, pce_summary
from enchanted_surrogates.analysis.surrogate_kinds import KINDS
from enchanted_surrogates.samplers.distributions import Uniform
from enchanted_surrogates.samplers.pce import expansion_terms

MAX_PCE_ORDER = 8


@dataclass
class UnitTransform:
    """Parameter values <-> the unit cube, one marginal per parameter."""

    parameters: list[str]
    marginals: list[Any]

    @classmethod
    def for_sampler(cls, sampler: Any, parameters: list[str], frame: pd.DataFrame) -> UnitTransform:
        config = getattr(sampler, "config", None)
        if config is not None and hasattr(config, "marginals"):
            return cls(parameters, config.marginals())
        bounds = getattr(sampler, "bounds", None)
        if not bounds or len(bounds) != len(parameters):
            bounds = [(float(frame[p].min()), float(frame[p].max())) for p in parameters]
        return cls(parameters, [Uniform(kind="uniform", low=lo, high=hi) for lo, hi in bounds])

    def to_unit(self, frame: pd.DataFrame) -> np.ndarray:
        columns = []
        for name, marginal in zip(self.parameters, self.marginals):
            x = frame[name].to_numpy(dtype=float)
            if isinstance(marginal, Uniform):
                width = marginal.high - marginal.low
                columns.append((x - marginal.low) / width if width else np.full_like(x, 0.5))
            else:
                columns.append(marginal.frozen().cdf(x))
        return np.column_stack(columns)


@dataclass
class Surrogate:
    """A fitted model of one output; `predict` takes parameter values (a DataFrame)."""

    kind: str
    output: str
    transform: UnitTransform
    model: Any

    def predict_unit(self, unit: np.ndarray) -> np.ndarray:
        if self.kind == "pce":
            return np.asarray(self.model.model(*unit.T), dtype=float)
        return self.model.predict(unit)

    def predict(self, points: pd.DataFrame) -> np.ndarray:
        """The surrogate's value at each row of `points` (one column per parameter)."""
        missing = [p for p in self.transform.parameters if p not in points.columns]
        if missing:
            raise ValueError(f"points: no column {', '.join(missing)}")
        return self.predict_unit(self.transform.to_unit(points))

    def save(self, path: str | Path) -> Path:
        """Pickle the surrogate (load it with `load_surrogate`)."""
        path = Path(path)
        with path.open("wb") as handle:
            pickle.dump(self, handle)
        return path


def load_surrogate(path: str | Path) -> Surrogate:
    """A surrogate saved by `Surrogate.save` (pickle: load only files you trust)."""
    with Path(path).open("rb") as handle:
        return pickle.load(handle)


def pce_order(n: int, d: int) -> int:
    """The highest total order whose terms a least-squares fit on n points can afford
    (at least 1.5 points per term), capped so the basis stays well conditioned."""
    order = 1
    while order < MAX_PCE_ORDER and expansion_terms(d, order + 1) * 1.5 <= n:
        order += 1
    return order


def fit_model(kind: str, unit: np.ndarray, y: np.ndarray, seed: int = 0) -> Any:
    """Fit the `kind` model on unit-cube inputs."""
    if kind == "pce":
        return fit_pce(unit, y, pce_order(len(y), unit.shape[1]))
    if kind == "gp":
        from sklearn.gaussian_process import GaussianProcessRegressor
        from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

        d = unit.shape[1]
        kernel = ConstantKernel() * Matern(length_scale=[0.3] * d, nu=2.5) + WhiteKernel(1e-6)
        model = GaussianProcessRegressor(
            kernel, normalize_y=True, n_restarts_optimizer=2, random_state=seed
        )
        return model.fit(unit, y)
    raise ValueError(f"surrogate: unknown {kind!r}; choose one of {', '.join(KINDS)}")


def fit_surrogate(
    kind: str, output: str, transform: UnitTransform, frame: pd.DataFrame, seed: int = 0
) -> Surrogate:
    """Fit `kind` to the rows of `frame` (parameters and `output` columns)."""
    unit = transform.to_unit(frame)
    return Surrogate(
        kind, output, transform, fit_model(kind, unit, frame[output].to_numpy(float), seed)
    )


def surrogate_indices(surrogate: Surrogate, base_samples: int = 2**13, seed: int = 1) -> dict:
    """Sobol' indices of the surrogate: analytic for a PCE, a large Saltelli design else."""
    parameters = surrogate.transform.parameters
    if surrogate.kind == "pce":
        return {
            "method": "surrogate",
            "surrogate": "pce",
            **pce_summary(surrogate.model, parameters),
        }
    from SALib.analyze import sobol
    from SALib.sample import sobol as sobol_sample

    from enchanted_surrogates.samplers.saltelli import unit_problem

    d = len(parameters)
    unit = sobol_sample.sample(unit_problem(d), base_samples, calc_second_order=False, seed=seed)
    y = surrogate.predict_unit(unit)
    problem = {"num_vars": d, "names": parameters, "bounds": [[0.0, 1.0]] * d}
    result = sobol.analyze(problem, y, calc_second_order=False, num_resamples=200, seed=seed)
    return {
        "method": "surrogate",
        "surrogate": surrogate.kind,
        "mean": float(np.mean(y)),
        "std": float(np.std(y)),
        "indices": {
            name: {"S1": float(result["S1"][j]), "ST": float(result["ST"][j])}
            for j, name in enumerate(parameters)
        },
    }


def learning_curve(
    kind: str, unit: np.ndarray, y: np.ndarray, folds: int = 5, seed: int = 0
) -> list[dict]:
    """k-fold cross-validated error of `kind` on the first n runs, for growing n.

    The error is the RMSE over the output's standard deviation (0: perfect, 1: no better
    than the mean). If it still falls between the last sizes, more runs would still help.
    """
    from sklearn.model_selection import KFold

    n_total = len(y)
    smallest = max(2 * folds, unit.shape[1] + 3)
    if n_total < smallest:
        raise ValueError(f"{n_total} usable runs; a learning curve needs at least {smallest}")
    sizes = [int(n) for n in np.unique(np.geomspace(smallest, n_total, num=6).round())]
    curve = []
    for n in sizes:
        x_n, y_n = unit[:n], y[:n]
        errors = []
        for train, test in KFold(folds, shuffle=True, random_state=seed).split(x_n):
            model = fit_model(kind, x_n[train], y_n[train], seed)
            predicted = Surrogate(kind, "", UnitTransform([], []), model).predict_unit(x_n[test])
            errors.append(float(np.sqrt(np.mean((predicted - y_n[test]) ** 2))))
        scale = float(np.std(y_n)) or 1.0
        curve.append(
            {
                "runs": n,
                "nrmse": float(np.mean(errors)) / scale,
                "nrmse_std": float(np.std(errors)) / scale,
            }
        )
    return curve


def still_improving(curve: list[dict], tolerance: float = 0.1) -> bool:
    """True if the error fell by more than `tolerance` (relative) over the last step."""
    if len(curve) < 2:
        return True
    before, last = curve[-2]["nrmse"], curve[-1]["nrmse"]
    return before > 0 and (before - last) / before > tolerance and not math.isclose(last, 0.0)
