"""Sensitivity, UQ and surrogate-quality reports over a finished campaign.

Names are imported on first use: the CLI lists `enchanted analyse` from here, and every
other command must not pay for pandas, scipy and scikit-learn.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "analyse": "enchanted_surrogates.analysis.run_analysis",
    "Surrogate": "enchanted_surrogates.analysis.surrogates",
    "load_surrogate": "enchanted_surrogates.analysis.surrogates",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
