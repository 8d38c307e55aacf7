"""The `[uq]` extra: SALib and chaospy do the mathematics of the UQ designs and analyses."""

from __future__ import annotations

import importlib.util

MODULES = {"SALib": "SALib", "chaospy": "chaospy"}


def require(module: str) -> None:
    """Raise a config-style error naming the extra when `module` is not installed."""
    if importlib.util.find_spec(module) is None:
        raise ValueError(
            f"needs {MODULES.get(module, module)}, not installed: "
            "pip install 'enchanted-surrogates[uq]'"
        )
