"""A full disk (or quota) is the environment's failure, not the run's or the campaign's.

The supervisor stops at the first sign of it with one line and exit status 5, and the
runs it hit are left in flight in the journal, so `--resume` redoes them once there is
space again; recorded as FAILED they would stay failed for good. A run counts as hit
when it failed and either its error names the full disk or its file system has almost
nothing left (a program that could not write often says little, its stderr included).
"""

from __future__ import annotations

import errno
import os

ERRNOS = (errno.ENOSPC, errno.EDQUOT)
MESSAGES = (os.strerror(errno.ENOSPC), os.strerror(errno.EDQUOT))
NEARLY_FULL_BYTES = 1 << 20


class DiskFull(OSError):
    """A run failed because the disk under `filename` is full."""

    def __init__(self, path: str, detail: str) -> None:
        super().__init__(errno.ENOSPC, detail, path)


def disk_full_error(exc: BaseException) -> OSError | None:
    """The full-disk OSError behind `exc` (itself, or what caused it), if there is one."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, OSError) and current.errno in ERRNOS:
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def run_hit_full_disk(run_dir: str, error: str) -> bool:
    """Did a failed run (its directory and error message) fail for want of disk space?"""
    if any(message in error for message in MESSAGES):
        return True
    try:
        stat = os.statvfs(run_dir)
    except OSError as exc:
        return exc.errno in ERRNOS
    return stat.f_bavail * stat.f_frsize < NEARLY_FULL_BYTES
