"""The runner contract, compatible with plugins written for the original enchanted-surrogates."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar


class Runner(ABC):
    """Wraps one simulation code.

    A runner is built from the keys of its config entry (`other_params` included), then
    `single_code_run(run_dir=..., params=...)` is called by keyword. As in the original, a
    fresh instance serves each run; a class whose runs share no state in `self` sets
    `reusable = True` to be built once per worker process instead. It returns plain
    scalars (int, float, str, bool) and a bool `success`. Raising is fine: the framework
    records a FAILED row.
    """

    reusable: ClassVar[bool] = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    @abstractmethod
    def single_code_run(self, run_dir: str, params: dict | None = None) -> dict:
        """Run the code for `params` inside `run_dir` and return its outputs."""
        raise NotImplementedError
