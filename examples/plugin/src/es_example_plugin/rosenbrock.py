"""A runner in its own package, found by enchanted-surrogates through an entry point."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from enchanted_surrogates.runners.base_runner import Runner


class RosenbrockConfig(BaseModel):
    """The keys a `type: rosenbrock` entry takes; unknown keys are config errors."""

    model_config = ConfigDict(extra="forbid")

    a: float = Field(default=1.0, description="Position of the valley's minimum in x.")
    b: float = Field(default=100.0, description="Steepness of the valley walls.")


class RosenbrockRunner(Runner):
    """f(x, y) = (a - x)^2 + b (y - x^2)^2, the classic banana-shaped valley."""

    Config = RosenbrockConfig

    def __init__(self, a: float = 1.0, b: float = 100.0) -> None:
        self.a = a
        self.b = b

    def single_code_run(self, run_dir: str, params: dict | None = None) -> dict:
        x, y = float(params["x"]), float(params["y"])
        value = (self.a - x) ** 2 + self.b * (y - x * x) ** 2
        return {"rosenbrock": value, "success": True}
