"""`load_plugins()`: every runner and parser that installed packages register, by name.

Plugins of the original check their registration with it in their own tests.
"""

from __future__ import annotations

import logging
from importlib.metadata import entry_points
from typing import Any

log = logging.getLogger("enchanted_surrogates.plugins")

GROUPS = ("enchanted_surrogates.runners", "enchanted_surrogates.parsers")


def load_plugins() -> dict[str, Any]:
    """{entry-point name: loaded object}; a plugin that fails to import is logged and left
    out, so one broken package does not hide the others."""
    loaded: dict[str, Any] = {}
    for group in GROUPS:
        for entry in entry_points(group=group):
            try:
                loaded[entry.name] = entry.load()
            except Exception as exc:
                log.error("cannot load plugin %r (%s): %s", entry.name, entry.value, exc)
    return loaded
