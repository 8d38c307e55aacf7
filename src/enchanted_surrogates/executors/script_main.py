"""Worker processes that never re-run the user's script.

A `spawn` or `forkserver` child re-executes the parent's `__main__` file (or module) so
that objects defined there unpickle. For `es.run("campaign.yaml")` in a plain script
without an `if __name__ == "__main__":` guard, that re-runs the whole campaign inside every
worker, and the pool breaks. Workers here only need importable modules (runners, samplers
and parsers are named by import path), so the children are started as if the parent's
`__main__` were empty: nothing of the user's script runs in them.
"""

from __future__ import annotations

import multiprocessing
import sys
import threading
import types
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.context import (
    BaseContext,
    ForkServerContext,
    ForkServerProcess,
    SpawnContext,
    SpawnProcess,
)
from typing import Any

_swap = threading.Lock()


@contextmanager
def main_hidden() -> Iterator[None]:
    """While children start, `__main__` is a blank module, so they import nothing of it.

    The swap lasts as long as a process launch; `python -m enchanted_surrogates` is left
    alone (multiprocessing never re-runs a package's `__main__`).
    """
    main = sys.modules.get("__main__")
    name = getattr(getattr(main, "__spec__", None), "name", None) or ""
    if main is None or name.startswith("enchanted_surrogates"):
        yield
        return
    with _swap:
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            sys.modules["__main__"] = main


class _ForkServerProcess(ForkServerProcess):
    @staticmethod
    def _Popen(process_obj: Any) -> Any:
        with main_hidden():
            return ForkServerProcess._Popen(process_obj)


class _SpawnProcess(SpawnProcess):
    @staticmethod
    def _Popen(process_obj: Any) -> Any:
        with main_hidden():
            return SpawnProcess._Popen(process_obj)


class _ForkServerContext(ForkServerContext):
    Process = _ForkServerProcess


class _SpawnContext(SpawnContext):
    Process = _SpawnProcess


def script_safe_context(method: str) -> BaseContext:
    """A multiprocessing context like `get_context(method)` whose children skip `__main__`.

    A forked child inherits the parent's memory, so nothing is re-run there.
    """
    if method == "forkserver":
        return _ForkServerContext()
    if method == "spawn":
        return _SpawnContext()
    return multiprocessing.get_context(method)
