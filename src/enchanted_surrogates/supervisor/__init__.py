"""The campaign loop: levels, stages, async and batch modes.

`Campaign` is imported on first access (PEP 562): it pulls in pandas and the dataset
writers, which `enchanted validate` (importing `supervisor.level_setup`) does not need.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from enchanted_surrogates.supervisor.campaign import Campaign
    from enchanted_surrogates.supervisor.refusal import CampaignInterrupted, CampaignRefused

_HOMES = {"Campaign": "campaign", "CampaignInterrupted": "refusal", "CampaignRefused": "refusal"}
__all__ = ["Campaign", "CampaignInterrupted", "CampaignRefused"]


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        module = importlib.import_module(f"enchanted_surrogates.supervisor.{_HOMES[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
