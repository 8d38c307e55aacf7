"""The campaign loop: levels, stages, async and batch modes.

`Campaign` is imported on first access (PEP 562): it pulls in pandas and the dataset
writers, which `enchanted validate` (importing `supervisor.level`) does not need.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from enchanted_surrogates.supervisor.campaign import (
        Campaign,
        CampaignInterrupted,
        CampaignRefused,
    )

__all__ = ["Campaign", "CampaignInterrupted", "CampaignRefused"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from enchanted_surrogates.supervisor import campaign

        return getattr(campaign, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
