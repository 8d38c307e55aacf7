"""enchanted-surrogates: turn any simulation code into a dataset for surrogate models.

    import enchanted_surrogates
    df = enchanted_surrogates.run("config.yaml")   # or a dict

Names are imported on first use, so a worker process that only unpickles a task does not
pay for pandas and pydantic.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "run": "enchanted_surrogates.api",
    "Campaign": "enchanted_surrogates.supervisor.campaign",
    "CampaignRefused": "enchanted_surrogates.supervisor.refusal",
    "CampaignInterrupted": "enchanted_surrogates.supervisor.refusal",
    "ConfigError": "enchanted_surrogates.config.errors",
    "load_spec": "enchanted_surrogates.config.spec",
    "Executor": "enchanted_surrogates.executors.base",
    "Runner": "enchanted_surrogates.runners.base_runner",
    "Sampler": "enchanted_surrogates.samplers.base",
    "Status": "enchanted_surrogates.runs.status",
    "AbortCampaign": "enchanted_surrogates.runs.errors",
    "CampaignAborted": "enchanted_surrogates.supervisor.policies",
    "secret": "enchanted_surrogates.runs.secrets",
    "load_dataset": "enchanted_surrogates.storage.load",
    "load_plugins": "enchanted_surrogates.config.plugins",
}

__all__ = [*sorted(_EXPORTS), "__version__"]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'enchanted_surrogates' has no attribute {name!r}")
