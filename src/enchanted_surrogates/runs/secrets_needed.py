"""The secrets a config refers to, checked before anything runs.

A runner entry names a secret as `{secrets.SECTION.KEY}` (CommandRunner's `env`). Without
this check a campaign started, or resumed, without `--secrets` would submit its runs and
abort at the first one; now it is refused up front, with nothing run or written.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from typing import Any

from enchanted_surrogates.config.spec import CampaignSpec
from enchanted_surrogates.runs.secrets import Secrets


def missing_secrets(spec: CampaignSpec, provided: Secrets) -> str | None:
    """One line naming every secret the config's runners need and `provided` lacks."""
    problems: dict[str, None] = {}
    for level in spec.levels:
        for runner in level.runners:
            for where, name in _references(runner.options, f"runners.{runner.name}"):
                section, _, key = name.partition(".")
                if key not in provided.get(section, {}):
                    problems[f"{where} needs secret {name}"] = None
    if not problems:
        return None
    return (
        f"{spec.source}: {'; '.join(problems)}, which no secrets file provides; pass "
        "--secrets FILE (secrets= in Python) with it, then run again"
    )


def _references(value: Any, where: str) -> Iterator[tuple[str, str]]:
    """(key path, SECTION.KEY) of every `{secrets.SECTION.KEY}` inside `value`."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _references(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _references(item, f"{where}[{index}]")
    elif isinstance(value, str) and "secrets." in value:
        try:
            fields = [field for _, field, _, _ in string.Formatter().parse(value) if field]
        except ValueError:  # not a format string; the runner's own validation says so
            return
        for field in fields:
            parts = field.split(".")
            if len(parts) == 3 and parts[0] == "secrets":
                yield where, f"{parts[1]}.{parts[2]}"
