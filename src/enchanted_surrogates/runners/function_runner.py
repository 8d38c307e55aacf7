"""A runner for a Python function: the quickest way to put an existing model in a campaign."""

from __future__ import annotations

import numbers
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from enchanted_surrogates.parsers.function import CallablePath, import_callable
from enchanted_surrogates.run_errors import RunError
from enchanted_surrogates.runners.base_runner import Runner

SHAPES = "a number, a dict, or a tuple (dict or number, dict of extra columns)"


class FunctionRunner(Runner):
    """Calls `function` with each point's params, in the worker process.

    It may return a number (the `output` column), a dict of columns (`success` is True
    unless it says otherwise), or `(result, info)` where info is a dict of extra columns,
    e.g. diagnostics, kept apart from the result in the function's own code.
    """

    reusable = True  # keeps no per-run state in self

    class Config(BaseModel):
        model_config = ConfigDict(extra="forbid", title="FunctionRunner")

        function: CallablePath = Field(description="package.module:func, imported once")
        call: Literal["kwargs", "dict"] = Field(
            "kwargs", description="kwargs: func(**params); dict: func(params)"
        )

    def __init__(self, **kwargs: Any) -> None:
        cfg = self.Config(**kwargs)
        self.target = cfg.function
        self.function = import_callable(cfg.function)
        self.call = cfg.call

    def single_code_run(self, run_dir: str, params: dict | None = None) -> dict:
        """Call the function; `run_dir` is unused (the function writes no files we manage)."""
        params = params or {}
        raw = self.function(**params) if self.call == "kwargs" else self.function(params)
        if isinstance(raw, tuple):
            if len(raw) != 2 or not isinstance(raw[1], dict):
                raise RunError(f"{self.target} returned a tuple; expected {SHAPES}")
            result, info = self._columns(raw[0]), raw[1]
            clash = sorted(set(result) & set(info))
            if clash:
                raise RunError(f"{self.target}: info repeats the result's {', '.join(clash)}")
            return {**result, **info}
        return self._columns(raw)

    def _columns(self, value: Any) -> dict:
        if isinstance(value, dict):
            return {"success": True, **value}
        if isinstance(value, numbers.Real) and not isinstance(value, bool):
            return {"output": value, "success": True}
        raise RunError(f"{self.target} returned a {type(value).__name__}; expected {SHAPES}")
