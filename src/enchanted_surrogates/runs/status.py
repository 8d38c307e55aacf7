"""The closed set of states a finished run can end in (one `status` column in the dataset)."""

from __future__ import annotations

from enum import Enum


class Status(str, Enum):
    """Why a run ended; `success` stays a separate bool column for compatibility."""

    SUCCESS = "SUCCESS"
    FAILED = "FAILED"  # the runner said success=False, raised, or returned something unusable
    CRASHED = "CRASHED"  # the process running it died
    TIMEOUT = "TIMEOUT"
    MEMOUT = "MEMOUT"
    CANCELLED = "CANCELLED"

    def __str__(self) -> str:
        return self.value
