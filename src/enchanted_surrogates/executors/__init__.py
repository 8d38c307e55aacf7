"""Executors: where runs execute (a local process pool, Dask, batch systems)."""

from enchanted_surrogates.executors.base import Executor

__all__ = ["Executor"]
