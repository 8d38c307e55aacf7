"""`is_package_available`, imported by plugins of the original to guard optional imports."""

from __future__ import annotations

import importlib.util


def is_package_available(package_name: str) -> bool:
    """True if `package_name` (dotted names too) can be imported, without importing it."""
    try:
        return importlib.util.find_spec(package_name) is not None
    except (ImportError, ValueError):  # the parent of a dotted name is missing
        return False
