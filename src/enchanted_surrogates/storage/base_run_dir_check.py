"""Can the campaign live where the config says? Checked before anything runs.

A base_run_dir that is a regular file, sits on a read-only file system or under /proc
would otherwise fail deep inside the first write with a long traceback, after `validate`
had called the config valid. The check creates nothing that stays: it writes and removes
one temporary file in the directory (or in its nearest existing parent).
"""

from __future__ import annotations

import tempfile
from pathlib import Path


def unwritable_reason(base_run_dir: str | Path) -> str | None:
    """Why `base_run_dir` cannot be created and written, or None if it can."""
    path = Path(base_run_dir).absolute()
    existing = path
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        what = "is not a directory" if existing == path else f"{existing} is not a directory"
        return what
    try:
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as exc:
        where = "" if existing == path else f" (its parent {existing})"
        return f"cannot write there{where}: {exc.strerror}"
    return None
