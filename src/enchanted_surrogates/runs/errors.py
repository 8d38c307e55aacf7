"""Exceptions a runner raises to say *how* a run ended, and to stop the whole campaign.

The worker turns them into the run's status: any other exception is FAILED.
"""

from __future__ import annotations

from enchanted_surrogates.runs.status import Status


class RunError(Exception):
    """A run that ended badly; `status` says how."""

    status = Status.FAILED


class RunTimeout(RunError):
    status = Status.TIMEOUT


class RunMemout(RunError):
    status = Status.MEMOUT


class RunCrashed(RunError):
    """The code's process died (a signal, a segfault)."""

    status = Status.CRASHED


class AbortCampaign(Exception):
    """Raised by a runner that knows every further run will fail (a missing licence, a
    broken installation): the campaign stops cleanly with this message."""
