"""Process checks shared by tests."""

from __future__ import annotations


def alive(pid: int) -> bool:
    """True if `pid` runs (a killed process may linger as a zombie until it is reaped)."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            state = next(line for line in handle if line.startswith("State:"))
    except (FileNotFoundError, ProcessLookupError, StopIteration):  # gone while read
        return False
    return "Z (zombie)" not in state
