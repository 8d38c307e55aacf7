"""The trivial work both sides of the throughput benchmark run."""

from __future__ import annotations

from enchanted_surrogates.runners.base_runner import Runner


def work(x: float) -> float:
    return 2.0 * x + 1.0


class TrivialRunner(Runner):
    def single_code_run(self, run_dir: str, params: dict | None = None) -> dict:
        return {"output": work(params["x"]), "success": True}
