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


def import_ahead(name: str) -> None:
    """Start importing `name` in a daemon thread, unless it is imported already."""
    if name not in sys.modules:
        threading.Thread(target=_import, args=(name,), name=f"import-{name}", daemon=True).start()


def _import(name: str) -> None:
    with contextlib.suppress(Exception):
        importlib.import_module(name)
