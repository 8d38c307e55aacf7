"""The campaign loop: levels, stages, async and batch modes."""

from enchanted_surrogates.supervisor.campaign import Campaign, CampaignRefused

__all__ = ["Campaign", "CampaignRefused"]
