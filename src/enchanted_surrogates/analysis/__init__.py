"""Sensitivity, UQ and surrogate-quality reports over a finished campaign."""

from enchanted_surrogates.analysis.analyse import analyse
from enchanted_surrogates.analysis.surrogates import Surrogate, load_surrogate

__all__ = ["Surrogate", "analyse", "load_surrogate"]
