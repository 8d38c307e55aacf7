"""A runner for a Python function: the quickest way to put an existing model in a campaign."""

from __future__ import annotations

import contextlib
import inspect
import numbers
import os
from collections.abc import Iterator
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from enchanted_surrogates.parsers.files import STDERR_FILE, STDOUT_FILE
from enchanted_surrogates.parsers.function import CallablePath, import_callable
from enchanted_surrogates.runners.base_runner import Runner
from enchanted_surrogates.runs.errors import RunError

SHAPES = "a number, a dict, or a tuple (dict or number, dict of extra columns)"


class FunctionRunner(Runner):
    """Calls `function` with each point's params, in the worker process.

    Like a program, it runs inside its run directory (files it writes with relative paths
    land there), its print() output goes to stdout.txt/stderr.txt there, and a function
    with a `run_dir` parameter receives the directory's absolute path.

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
        self.wants_run_dir = _has_parameter(self.function, "run_dir")

    def single_code_run(self, run_dir: str, params: dict | None = None) -> dict:
        """Call the function inside `run_dir`, with its output streams captured there."""
        params = params or {}
        run_dir = os.path.abspath(run_dir)
        extra = {"run_dir": run_dir} if self.wants_run_dir and "run_dir" not in params else {}
        with _inside(run_dir):
            if self.call == "kwargs":
                raw = self.function(**params, **extra)
            else:
                raw = self.function(params, **extra)
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


def _has_parameter(function: Any, name: str) -> bool:
    """True when `function` names the parameter `name` (not merely **kwargs)."""
    try:
        parameters = inspect.signature(function).parameters
    except (TypeError, ValueError):  # builtins without a signature
        return False
    return name in parameters and parameters[name].kind is not inspect.Parameter.VAR_KEYWORD


@contextlib.contextmanager
def _inside(run_dir: str) -> Iterator[None]:
    """Work in `run_dir` with sys.stdout/sys.stderr in its stdout.txt/stderr.txt.

    Process-wide state: a worker process runs one task at a time."""
    os.makedirs(run_dir, exist_ok=True)
    before = os.getcwd()
    with (
        open(os.path.join(run_dir, STDOUT_FILE), "w", encoding="utf-8") as out,
        open(os.path.join(run_dir, STDERR_FILE), "w", encoding="utf-8") as err,
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        os.chdir(run_dir)  # contextlib.chdir needs Python 3.11
        try:
            yield
        finally:
            os.chdir(before)
