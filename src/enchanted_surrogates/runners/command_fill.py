"""Filling a command's placeholders per run: parameters, the run directory, secrets (in
env only), shell-quoted when a shell reads the line."""

from __future__ import annotations

import shlex
import string
from collections.abc import Mapping
from typing import Any

from enchanted_surrogates.runs import secrets
from enchanted_surrogates.runs.errors import AbortCampaign, RunError


class SecretsLookup:
    """`{secrets.SECTION.KEY}` in an env value: attribute access looks the secret up."""

    def __init__(self, section: str = "") -> None:
        self.section = section

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # copy, pickle and friends probing for hooks
            raise AttributeError(name)
        if not self.section:
            return SecretsLookup(name)
        return secrets.lookup(f"{self.section}.{name}")


class ShellQuoting(string.Formatter):
    """Fills placeholders shell-quoted, so a value stays one word for /bin/sh."""

    def format_field(self, value: Any, format_spec: str) -> str:
        return shlex.quote(super().format_field(value, format_spec))


def fill(template: str, context: Mapping, what: str, formatter: string.Formatter) -> str:
    try:
        return formatter.vformat(template, (), context)
    except secrets.SecretsError as exc:  # every run would fail the same way
        raise AbortCampaign(f"{what}: {exc}") from None
    except KeyError as exc:
        raise RunError(f"{what}: no parameter {exc.args[0]!r} in this run") from None
    except (AttributeError, IndexError, ValueError) as exc:
        raise RunError(f"{what}: cannot fill '{template}': {exc}") from None
