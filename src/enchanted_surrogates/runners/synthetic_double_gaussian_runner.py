"""An analytic test function: a tilted plane with two Gaussian hills, in 1 or 2 dimensions.

Its narrow hills give samplers and surrogates something to find, at no simulation cost.
"""

from __future__ import annotations

import math
import os

from enchanted_surrogates.runners.base_runner import Runner

OUTPUT_FILE = "output.txt"

# [a, g11, g12, g13, g21, g22, g23]: slope, then (height, width, centre) of each hill.
DEFAULT_1D = [0.2, 1.0, 0.001, 0.2, 0.6, 0.01, 0.7]
# [ax, ay, g11, g12, g1x, g1y, g21, g22, g2x, g2y]: slopes, then (height, width, x, y) of each hill.
DEFAULT_2D = [0.2, 0.1, 1.0, 0.02, 0.3, 0.3, 0.8, 0.04, 0.75, 0.6]
DEFAULTS = {1: DEFAULT_1D, 2: DEFAULT_2D}


class SyntheticDoubleGaussianRunner(Runner):
    """Evaluates the double-Gaussian function at `params["x"]` (and `params["y"]` in 2-D)."""

    reusable = True  # keeps no per-run state in self

    def __init__(self, dimensions: int = 1, model_parameters: list[float] | None = None) -> None:
        if dimensions not in DEFAULTS:
            raise ValueError(f"dimensions must be 1 or 2, got {dimensions!r}")
        expected = len(DEFAULTS[dimensions])
        if model_parameters is None:
            model_parameters = DEFAULTS[dimensions]
        elif len(model_parameters) != expected:
            raise ValueError(
                f"model_parameters for {dimensions}-D needs {expected} values, "
                f"got {len(model_parameters)}"
            )
        self.dimensions = dimensions
        self.model_parameters = [float(p) for p in model_parameters]

    def single_code_run(self, run_dir: str, params: dict | None = None) -> dict:
        """Evaluate the function, append the value to output.txt and return it."""
        params = params or {}
        coords = [_coordinate(params, name) for name in ("x", "y")[: self.dimensions]]
        z = self._evaluate(*coords)
        os.makedirs(run_dir, exist_ok=True)
        with open(os.path.join(run_dir, OUTPUT_FILE), "a") as handle:
            handle.write(f"{z}\n")
        return {"output": float(z), "success": True}

    def _evaluate(self, x: float, y: float = 0.0) -> float:
        """The function value at (x) in 1-D or (x, y) in 2-D."""
        if self.dimensions == 1:
            a, g11, g12, g13, g21, g22, g23 = self.model_parameters
            return (
                a * x
                + g11 * math.exp(-((x - g13) ** 2) / g12)
                + g21 * math.exp(-((x - g23) ** 2) / g22)
            )
        ax, ay, g11, g12, g1x, g1y, g21, g22, g2x, g2y = self.model_parameters
        return (
            ax * x
            + ay * y
            + g11 * math.exp(-((x - g1x) ** 2 + (y - g1y) ** 2) / g12)
            + g21 * math.exp(-((x - g2x) ** 2 + (y - g2y) ** 2) / g22)
        )


def _coordinate(params: dict, name: str) -> float:
    """One coordinate from the params, with a KeyError that says which one is missing."""
    if name not in params:
        raise KeyError(
            f"SyntheticDoubleGaussianRunner needs parameter {name!r}, got {list(params)}"
        )
    return float(params[name])
