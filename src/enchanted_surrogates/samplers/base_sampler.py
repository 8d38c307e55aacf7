"""Import path of the original enchanted-surrogates, kept so user samplers load unchanged."""

from enchanted_surrogates.samplers.base import Sampler

__all__ = ["Sampler"]
