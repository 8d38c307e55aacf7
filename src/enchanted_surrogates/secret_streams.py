"""Secrets out of the streams a run captured, whichever way the run ended.

The command runner redacts stdout.txt/stderr.txt when its program exits. A run that was
killed first (a timeout kills the run's whole process group) never gets there, so the
worker redacts the captured streams of every run that did not succeed. Files a program
writes itself are its own business.
"""

from __future__ import annotations

import os

from enchanted_surrogates import secrets
from enchanted_surrogates.parsers.files import STDERR_FILE, STDOUT_FILE


def redact_file(path: str) -> None:
    """Replace secrets in a file; bytes that are not UTF-8 survive unchanged."""
    with open(path, "rb") as handle:
        text = handle.read().decode("utf-8", "surrogateescape")
    clean = secrets.redact(text)
    if clean != text:
        with open(path, "wb") as handle:
            handle.write(clean.encode("utf-8", "surrogateescape"))


def redact_streams(run_dir: str) -> None:
    """Redact the captured stdout/stderr of `run_dir`, those that exist."""
    for name in (STDOUT_FILE, STDERR_FILE):
        path = os.path.join(run_dir, name)
        if os.path.isfile(path):
            redact_file(path)
