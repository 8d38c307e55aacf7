"""Runners: the code that is run at each sampled point."""

from enchanted_surrogates.runners.base_runner import Runner

__all__ = ["Runner"]
