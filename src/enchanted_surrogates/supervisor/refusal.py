"""Why a campaign did not start or did not finish, as exceptions the CLI turns into exit codes."""

from __future__ import annotations


class CampaignRefused(Exception):
    """The campaign would overwrite or misuse existing data; nothing was changed."""


class CampaignInterrupted(Exception):
    """A signal stopped the campaign; everything finished is recorded."""

    def __init__(self, signum: int, message: str) -> None:
        super().__init__(message)
        self.signum = signum
