"""A runner that sums chosen parameters in-process, for fast tests of the framework."""

from __future__ import annotations

import os

from enchanted_surrogates.runners.base_runner import Runner

PARAMS_FILE = "params.txt"
FAIL_MARGIN = 0.25


class SumRunner(Runner):
    """Sums the parameters named in `params_to_sum`.

    `fail_if` marks runs whose sum lands near it as unsuccessful, so tests can produce a
    predictable set of failed points without raising.
    """

    reusable = True  # keeps no per-run state in self

    def __init__(self, params_to_sum: list[str], fail_if: float | None = None) -> None:
        self.params_to_sum = params_to_sum
        self.fail_if = fail_if

    def single_code_run(self, run_dir: str, params: dict | None = None) -> dict:
        """Record the params in the run dir and return their sum; absent keys are skipped."""
        params = params or {}
        os.makedirs(run_dir, exist_ok=True)
        with open(os.path.join(run_dir, PARAMS_FILE), "w") as handle:
            handle.write(str(params))
        output = float(sum(params[key] for key in self.params_to_sum if key in params))
        result: dict = {"output": output, "success": True}
        if self.fail_if is not None and abs(output - self.fail_if) < FAIL_MARGIN:
            result["success"] = False
            result["error"] = f"output within {FAIL_MARGIN} of fail_if={self.fail_if}"
        return result
