"""Process checks shared by tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def alive(pid: int) -> bool:
    """True if `pid` runs (a killed process may linger as a zombie until it is reaped)."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            state = next(line for line in handle if line.startswith("State:"))
    except (FileNotFoundError, ProcessLookupError, StopIteration):  # gone while read
        return False
    return "Z (zombie)" not in state


def start_quiet_run(config_path: Path, env: dict, *args: str) -> subprocess.Popen:
    """`enchanted run config_path -q *args` in a session of its own, so that a test can
    kill its whole process group as a crash would; its output is piped for the asserts."""
    return subprocess.Popen(
        [sys.executable, "-m", "enchanted_surrogates", "run", str(config_path), "-q", *args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
