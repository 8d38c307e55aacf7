"""The models adaptive samplers learn with: a scikit-learn Gaussian process or tree ensemble.

Both work on the unit cube and answer the same three questions: a mean, a predictive
standard deviation, and the disagreement of a committee (for query-by-committee).
Hyperparameters are optimised on a `full` fit only; a `cheap` fit keeps the last kernel
and just conditions on the new data, so telling results one at a time stays affordable.
"""

from __future__ import annotations

import warnings
from typing import Literal

import numpy as np
from scipy.linalg import solve_triangular
from sklearn.ensemble import ExtraTreesRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

MODELS = ("gp", "ensemble")


class Surrogate:
    """A regression model with a predictive uncertainty, refitted as results arrive."""

    def __init__(
        self, kind: Literal["gp", "ensemble"], dimensions: int, seed: int, committee: int = 5
    ) -> None:
        self.kind = kind
        self.dimensions = dimensions
        self.seed = seed
        self.committee_size = committee
        self._model: GaussianProcessRegressor | ExtraTreesRegressor | None = None
        self._x = np.empty((0, dimensions))
        self._y = np.empty(0)

    @property
    def fitted(self) -> bool:
        return self._model is not None

    def fit(self, x: np.ndarray, y: np.ndarray, full: bool) -> None:
        """Fit on (x, y); `full` re-optimises the GP's kernel, otherwise it is kept."""
        self._x, self._y = np.asarray(x, float), np.asarray(y, float)
        if self.kind == "ensemble":
            self._model = ExtraTreesRegressor(
                n_estimators=64, min_samples_leaf=2, random_state=self.seed
            ).fit(self._x, self._y)
            return
        if full or self._model is None:
            # later full fits start from the last kernel: one restart is then enough
            model = GaussianProcessRegressor(
                kernel=self._model.kernel_ if self._model else _default_kernel(self.dimensions),
                normalize_y=True,
                n_restarts_optimizer=1 if self._model else 2,
                random_state=self.seed,
            )
        else:
            model = GaussianProcessRegressor(
                kernel=self._model.kernel_, normalize_y=True, optimizer=None
            )
        with warnings.catch_warnings():
            # bounds hit by a length scale are expected on tiny datasets, not a user error
            warnings.simplefilter("ignore", ConvergenceWarning)
            self._model = model.fit(self._x, self._y)

    def predict(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mean and predictive standard deviation at the rows of x."""
        if isinstance(self._model, GaussianProcessRegressor):
            mean, std = self._model.predict(x, return_std=True)
            return mean, np.maximum(std, 1e-12)
        members = self._tree_predictions(x)
        return members.mean(axis=0), members.std(axis=0)

    def committee_spread(self, x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Disagreement of models fitted on bootstrap resamples of the data, at each x.

        GP members share the fitted kernel (no re-optimisation), so a committee costs a few
        Cholesky factorisations; an ensemble's trees are already a bootstrap committee.
        """
        if not isinstance(self._model, GaussianProcessRegressor):
            return self._tree_predictions(x).std(axis=0)
        n = len(self._y)
        predictions = []
        for _ in range(self.committee_size):
            pick = np.unique(rng.integers(0, n, n))
            member = GaussianProcessRegressor(
                kernel=self._model.kernel_, normalize_y=True, optimizer=None
            ).fit(self._x[pick], self._y[pick])
            predictions.append(member.predict(x))
        return np.std(predictions, axis=0)

    def variance_reduction(self, x: np.ndarray, reference: np.ndarray) -> np.ndarray:
        """How much observing each x would lower the summed predictive variance at the
        reference points (Cohn's criterion, ALC): sum_r cov(r, x)^2 / var(x). GP only."""
        assert isinstance(self._model, GaussianProcessRegressor)
        kernel, train = self._model.kernel_, self._model.X_train_
        factor = self._model.L_
        v_x = solve_triangular(factor, kernel(train, x), lower=True)
        v_r = solve_triangular(factor, kernel(train, reference), lower=True)
        cov = kernel(reference, x) - v_r.T @ v_x
        var = np.maximum(kernel.diag(x) - (v_x**2).sum(axis=0), 1e-12)
        return (cov**2).sum(axis=0) / var

    def condition(self, x: np.ndarray, y: np.ndarray) -> Surrogate:
        """A copy told extra (fantasy) observations, kernel kept: for batch proposals."""
        other = Surrogate(self.kind, self.dimensions, self.seed, self.committee_size)
        other._model = self._model
        other.fit(np.vstack([self._x, x]), np.concatenate([self._y, y]), full=False)
        return other

    def estimator(self) -> GaussianProcessRegressor | ExtraTreesRegressor:
        """An unfitted scikit-learn estimator with the current hyperparameters."""
        if self.kind == "ensemble":
            return ExtraTreesRegressor(n_estimators=64, min_samples_leaf=2, random_state=self.seed)
        assert isinstance(self._model, GaussianProcessRegressor)
        return GaussianProcessRegressor(
            kernel=self._model.kernel_, normalize_y=True, optimizer=None
        )

    def describe(self) -> str:
        """The fitted kernel (GP) or the ensemble's size, for the history."""
        if isinstance(self._model, GaussianProcessRegressor):
            return str(self._model.kernel_)
        return f"ExtraTrees({self._model.n_estimators if self._model else 0})"

    def _tree_predictions(self, x: np.ndarray) -> np.ndarray:
        assert isinstance(self._model, ExtraTreesRegressor)
        return np.array([tree.predict(x) for tree in self._model.estimators_])


def _default_kernel(dimensions: int) -> ConstantKernel:
    """Amplitude x anisotropic Matern-5/2 + a small noise term, bounded for the unit cube."""
    return ConstantKernel(1.0, (1e-3, 1e3)) * Matern(
        length_scale=np.full(dimensions, 0.3), length_scale_bounds=(1e-3, 10.0), nu=2.5
    ) + WhiteKernel(1e-6, (1e-10, 1e-2))
