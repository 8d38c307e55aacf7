"""Samplers: which points of the parameter space to run."""

from enchanted_surrogates.samplers.base import Sampler, SamplerConfig, SeededSamplerConfig

__all__ = ["Sampler", "SamplerConfig", "SeededSamplerConfig"]
