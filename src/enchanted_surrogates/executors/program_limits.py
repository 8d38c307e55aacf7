"""A run's time and memory limits, applied to the external program it starts.

A run with `timeout:` or `memory_limit:` normally executes in a forked child of the
worker that leads its own session (limits.py): ~8 ms per run, most of a short program's
cost. A runner whose only work beside its program is the framework's own code says so
with `limits_its_program` (CommandRunner without overrides or plugin parsers); the worker
then sets the limits here for the run and the runner applies them to its program. The
program already leads a process group of its own that dies with the worker
(program_groups.py); its wait gets the time left of the run's timeout, after which the
whole group is killed, and its address space is capped (RLIMIT_AS) before it executes, as
the child's would be. So the statuses, the killed process trees and the recorded usage are
those of the child, without the child.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import select
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from enchanted_surrogates.runs.errors import RunTimeout

MB = 1024 * 1024


@dataclass(frozen=True)
class ProgramLimits:
    """The limits of the run in progress: its timeout counts from `started`."""

    timeout: float | None
    memory_limit_mb: float | None
    started: float  # time.monotonic()

    def memory_bytes(self) -> int | None:
        return int(self.memory_limit_mb * MB) if self.memory_limit_mb else None

    def time_left(self) -> float | None:
        if not self.timeout:
            return None
        return max(0.0, self.started + self.timeout - time.monotonic())


# per thread: a Dask worker runs tasks in several threads of one process
_current: contextvars.ContextVar[ProgramLimits | None] = contextvars.ContextVar(
    "program_limits", default=None
)


def runner_limits_its_program(runner: Any) -> bool:
    """Whether `runner` applies the run's limits to its program itself."""
    return bool(getattr(runner, "limits_its_program", False))


@contextlib.contextmanager
def applied(timeout: float | None, memory_limit_mb: float | None) -> Iterator[None]:
    """The limits of the run executed in this block, from now (none: no limits)."""
    if not timeout and not memory_limit_mb:
        yield
        return
    token = _current.set(ProgramLimits(timeout, memory_limit_mb, time.monotonic()))
    try:
        yield
    finally:
        _current.reset(token)


def current() -> ProgramLimits | None:
    """The limits a program started now must keep, if any."""
    return _current.get()


def wait(process: subprocess.Popen, kill_group: Any) -> int:
    """Wait for `process` within the run's time left; past it, `kill_group()` (the
    program's whole group) and raise RunTimeout, as a timed-out child is reported."""
    limits = current()
    left = limits.time_left() if limits else None
    if left is None:
        return process.wait()
    if not _ends_within(process, left):
        kill_group()
        process.wait()
        raise RunTimeout(f"exceeded the timeout of {limits.timeout:g} s; its processes were killed")
    return process.wait()


def _ends_within(process: subprocess.Popen, seconds: float) -> bool:
    """Whether `process` ends within `seconds`, woken by its exit: `Popen.wait(timeout)`
    polls with sleeps instead (~1.5 ms lost on a short program)."""
    try:
        handle = os.pidfd_open(process.pid)
    except (AttributeError, OSError):  # no pidfd (Linux < 5.3, not Linux)
        try:
            process.wait(seconds)
        except subprocess.TimeoutExpired:
            return False
        return True
    try:
        poller = select.poll()
        poller.register(handle, select.POLLIN)
        return bool(poller.poll(seconds * 1000))
    finally:
        os.close(handle)
