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


def start_run(
    config_path: Path,
    env: dict,
    *args: str,
    cwd: Path | None = None,
    stdout: int = subprocess.DEVNULL,
    stderr: int = subprocess.DEVNULL,
    own_session: bool = False,
) -> subprocess.Popen:
    """`enchanted run config_path *args` in the background, for a test to signal or kill;
    in a session of its own (`own_session`) a test can kill its whole process group."""
    return subprocess.Popen(
        [sys.executable, "-m", "enchanted_surrogates", "run", str(config_path), *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=stdout,
        stderr=stderr,
        text=True,
        start_new_session=own_session,
    )


def start_quiet_run(config_path: Path, env: dict, *args: str) -> subprocess.Popen:
    """`enchanted run config_path -q *args` in a session of its own, so that a test can
    kill its whole process group as a crash would; its output is piped for the asserts."""
    return start_run(
        config_path,
        env,
        "-q",
        *args,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        own_session=True,
    )


def kill_9(process: subprocess.Popen) -> None:
    """SIGKILL, as a crash of the supervisor, and reap it."""
    process.kill()
    process.wait()
