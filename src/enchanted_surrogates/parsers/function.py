"""Outputs read by a user's function, for formats no built-in reader covers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from enchanted_surrogates.config.registry import import_path
from enchanted_surrogates.parsers.base import Parser
from enchanted_surrogates.runs.errors import RunError


def import_callable(target: str) -> Callable:
    """The function at `package.module:func`; a ValueError that says why if there is none."""
    obj = import_path(target)  # its ResolveError is a ValueError naming what failed
    if not callable(obj):
        raise ValueError(f"'{target}' is not callable (its type is {type(obj).__name__})")
    return obj


def _importable(target: str) -> str:
    import_callable(target)
    return target


# A config value naming a function: checked when the config is, so a typo is a config error.
CallablePath = Annotated[str, AfterValidator(_importable)]


class FunctionParser(Parser):
    """Calls `function(run_dir)`, which returns the outputs as a dict."""

    class Config(BaseModel):
        model_config = ConfigDict(extra="forbid", title="FunctionParser")

        function: CallablePath = Field(description="package.module:func, called with the run dir")

    def __init__(self, **kwargs: Any) -> None:
        self.target = self.Config(**kwargs).function
        self.function = import_callable(self.target)

    def read_output(self, run_dir: str) -> dict:
        result = self.function(run_dir)
        if not isinstance(result, dict):
            raise RunError(f"{self.target} returned a {type(result).__name__}, not a dict")
        return result
