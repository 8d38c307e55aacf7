"""The runner contract, compatible with plugins written for the original enchanted-surrogates."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any


class Runner(ABC):
    """Wraps one simulation code.

    A runner is built once per worker process from the keys of its config entry, then
    `single_code_run` is called once per point. It returns plain scalars (int, float, str,
    bool) and a bool `success`. Raising is fine: the framework records a FAILED row.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    @abstractmethod
    def single_code_run(self, run_dir: str, params: dict | None = None) -> dict:
        """Run the code for `params` inside `run_dir` and return its outputs."""
        raise NotImplementedError
