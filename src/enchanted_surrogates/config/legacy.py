"""Upgrade the oldest config layout (singular `executor`, `sampler`, `runner` sections).

Early enchanted-surrogates configs named one of each at the top level and kept
`base_run_dir` inside the executor; they still run, with a deprecation warning.
"""

from __future__ import annotations

from typing import Any

_SINGULAR = {"executor": "executors", "sampler": "samplers", "runner": "runners"}


def upgrade_legacy_layout(data: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """Return `data` in the current layout; explain any rewrite in `notes`."""
    singular = [key for key in _SINGULAR if isinstance(data.get(key), dict)]
    if not singular or any(_SINGULAR[key] in data for key in singular):
        return data
    upgraded = {k: v for k, v in data.items() if k not in _SINGULAR and k != "log_level"}
    for key in singular:
        entry = dict(data[key])
        if key == "executor" and "base_run_dir" in entry:
            upgraded.setdefault("supervisor", {})["base_run_dir"] = entry.pop("base_run_dir")
        upgraded[_SINGULAR[key]] = {key: entry}
    if "log_level" in data:
        upgraded.setdefault("logging", {"level": data["log_level"]})
    supervisor = upgraded.setdefault("supervisor", {})
    if isinstance(supervisor, dict):
        supervisor.setdefault(
            "run_order", [{"executor": "executor", "sampler": "sampler", "runner": "runner"}]
        )
    notes.append(
        "the single 'executor'/'sampler'/'runner' layout is deprecated; use named entries "
        "under 'executors', 'samplers', 'runners' and a 'supervisor.run_order'"
    )
    return upgraded
