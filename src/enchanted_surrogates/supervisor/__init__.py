"""The campaign loop: levels, stages, async and batch modes."""

from enchanted_surrogates.supervisor.campaign import (
    Campaign,
    CampaignInterrupted,
    CampaignRefused,
)

__all__ = ["Campaign", "CampaignInterrupted", "CampaignRefused"]
