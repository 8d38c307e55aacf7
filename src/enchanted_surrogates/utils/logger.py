"""`get_logger` as plugins of the original import it, wired into this campaign's logs."""

from __future__ import annotations

import logging

from enchanted_surrogates.supervisor.logging_setup import LOGGER


def get_logger(name: str) -> logging.Logger:
    """A logger under the package logger, so a plugin's messages reach `logs/main.log`."""
    if name == LOGGER or name.startswith(f"{LOGGER}."):
        return logging.getLogger(name)
    return logging.getLogger(f"{LOGGER}.plugins.{name}")
