"""Files a program wrote itself that hold a secret: found and named, never changed.

The framework redacts what it writes (the captured streams, the journal, the dataset,
the logs). What a program writes into its run directory is the program's own business,
but a licence token in an output file is easy to miss, so after each run with secrets
the worker looks through the run directory, within fixed bounds so a run with many or
huge files costs little: at most MAX_FILES files, the first MAX_BYTES of each, text only
(a NUL byte in the first block marks a binary file), symlinks not followed.
"""

from __future__ import annotations

import os

from enchanted_surrogates.parsers.files import STDERR_FILE, STDOUT_FILE
from enchanted_surrogates.runs import secrets
from enchanted_surrogates.storage.run_files import DATAPOINT_FILE

MAX_FILES = 200
MAX_BYTES = 1 << 20
_BINARY_PROBE = 8192
_FRAMEWORK_FILES = {STDOUT_FILE, STDERR_FILE, DATAPOINT_FILE}


def files_with_secrets(run_dir: str) -> list[str]:
    """Paths of text files under `run_dir` (not the framework's own) holding a secret."""
    values = [value.encode("utf-8", "surrogateescape") for value in secrets.values()]
    if not values or not os.path.isdir(run_dir):
        return []
    found: list[str] = []
    scanned = 0
    for folder, dirs, files in os.walk(run_dir):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(folder, name)
            if (folder == run_dir and name in _FRAMEWORK_FILES) or os.path.islink(path):
                continue
            if scanned == MAX_FILES:
                return found
            scanned += 1
            if _holds_any(path, values):
                found.append(path)
    return found


def _holds_any(path: str, values: list[bytes]) -> bool:
    try:
        with open(path, "rb") as handle:
            head = handle.read(MAX_BYTES)
    except OSError:
        return False
    if b"\0" in head[:_BINARY_PROBE]:
        return False
    return any(value in head for value in values)


def warnings_for(run_dir: str) -> list[str]:
    """One warning per file under `run_dir` that the program wrote with a secret in it."""
    return [
        f"{path} holds a secret value; the program wrote it (files a program writes "
        "itself are not redacted)"
        for path in files_with_secrets(run_dir)
    ]
