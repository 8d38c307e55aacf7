"""Import a module in a background thread, ahead of its first use.

A campaign that writes `runs.h5` needs pandas only when it writes its first block, which
for most campaigns is at the end, right after the last run. Importing it there (~0.3 s)
delays the end of the campaign; importing it when the file opens delays the first run.
Started in a thread when the file opens, the import runs while the supervisor waits on
runs. The thread only warms the module cache: the code that needs the module imports it
as usual (waiting for the thread's import to finish, if it is still running), and an
import that fails here fails there again, with its own error.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
import threading


def import_ahead(*names: str) -> None:
    """Start importing `names`, one after the other, in a daemon thread, unless they are
    imported already."""
    missing = [name for name in names if name not in sys.modules]
    if missing:
        thread = threading.Thread(
            target=_import, args=missing, name=f"import-{missing[0]}", daemon=True
        )
        thread.start()


def _import(*names: str) -> None:
    for name in names:
        with contextlib.suppress(Exception):
            importlib.import_module(name)
