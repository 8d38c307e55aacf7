"""A run's timeout, applied in the worker to a CommandRunner and the program it starts.

A run with `timeout:` normally executes in a forked child of the worker that leads its
own session (limits.py): ~8 ms per run, most of a short program's cost. A runner whose
only work beside its program is the framework's own code says so with
`limits_its_program` (CommandRunner without overrides or user output readers); a run of
it with a timeout and no memory limit then executes in the worker's main thread:

* the program leads its own process group, which dies with the worker
  (program_groups.py); its wait gets the time left, woken by the program's exit, after
  which the whole group is killed;
* the runner's own work before and after the program (placing files, rendering inputs,
  reading outputs) is bounded by SIGALRM at the same deadline;
* the program's CPU and peak memory come from `wait4`, and on timeout from its process
  tree as it was killed.

A memory limit would cap the whole worker, so such runs keep the child; so do runs on
other threads (a Dask worker), where neither the death signal nor SIGALRM reaches.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import select
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from enchanted_surrogates.executors.run_usage import Usage, combine, tree_usage
from enchanted_surrogates.runs.errors import RunTimeout


@dataclass
class ProgramLimits:
    """The timeout of the run in progress, counted from `started`, and what its program
    used (set when the program was reaped)."""

    timeout: float
    started: float  # time.monotonic()
    used: Usage | None = None
    armed: bool = False  # whether a SIGALRM now means the deadline passed

    def time_left(self) -> float:
        """Seconds until the run's deadline, 0 once it passed."""
        return max(0.0, self.started + self.timeout - time.monotonic())

    def timed_out(self) -> RunTimeout:
        return RunTimeout(f"exceeded the timeout of {self.timeout:g} s; its processes were killed")


_current: contextvars.ContextVar[ProgramLimits | None] = contextvars.ContextVar(
    "program_limits", default=None
)


def in_worker(runner: Any, timeout: float | None, memory_limit: float | None) -> bool:
    """Whether this run's limits can be left to `runner` in this thread (see above)."""
    return bool(
        timeout
        and not memory_limit
        and getattr(runner, "limits_its_program", False)
        and threading.current_thread() is threading.main_thread()
    )


@contextlib.contextmanager
def applied(timeout: float) -> Iterator[ProgramLimits]:
    """The run executed in this block has `timeout` seconds from now (main thread)."""
    limits = ProgramLimits(timeout, time.monotonic())
    token = _current.set(limits)

    def alarm(signum: int, frame: Any) -> None:
        if limits.armed:
            raise limits.timed_out()

    previous = signal.signal(signal.SIGALRM, alarm)
    try:
        resume()
        yield limits
    finally:
        try:
            limits.armed = False  # an alarm before this line is the run's timeout
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
            _current.reset(token)


def current() -> ProgramLimits | None:
    """The limits of the run in progress in this thread, if it runs under them here."""
    return _current.get()


def pause() -> None:
    """Stop the alarm: before a program starts (it must not interrupt Popen, which would
    lose the started program) and while its wait keeps the deadline itself."""
    limits = current()
    if limits is not None:
        limits.armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)


def resume() -> None:
    """Bound what runs next by the deadline again; past it, the run has timed out."""
    limits = current()
    if limits is None:
        return
    left = limits.time_left()
    if left <= 0:
        raise limits.timed_out()
    limits.armed = True
    signal.setitimer(signal.ITIMER_REAL, left)


def wait(process: subprocess.Popen, kill_group: Callable[[], None]) -> int:
    """The program's exit code, reaped with its usage; past the run's deadline its whole
    group is killed (`kill_group`) and RunTimeout raised, as for a timed-out child."""
    limits = current()
    if limits is None:
        return process.wait()
    pause()
    if _ends_within(process, limits.time_left()):
        limits.used = _reap(process)
        return process.returncode
    tree = tree_usage(process.pid)  # a killed launcher's ranks are not reaped here
    kill_group()
    limits.used = combine(tree, _reap(process))
    raise limits.timed_out()


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


def _reap(process: subprocess.Popen) -> Usage | None:
    """Reap the ended program with `wait4`: its exact CPU and peak RSS, with those of the
    processes it waited for."""
    if process.returncode is not None:  # reaped already (the polling fallback)
        return None
    _, status, used = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return Usage(used.ru_utime + used.ru_stime, used.ru_maxrss / 1024)  # Linux: kilobytes
