"""External programs started by a run: each leads its own process group, dies with its worker.

A program the command runner starts must end when its run, its worker or the supervisor
ends, however that happens, or it keeps writing into a directory that a resumed campaign
has already cleaned and given to a new attempt. So every program starts in a process
group of its own (what it starts in turn stays in that group), with the kernel told to
SIGKILL it when the worker that started it dies (PR_SET_PDEATHSIG). The worker kills the
groups still open when it is stopped or sees the supervisor gone, and publishes the open
group to the pool, which kills the group of a worker that died (kill -9 included).

A program that leaves its group on purpose (`setsid`, a daemon) is out of reach.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import threading
from collections.abc import Callable, Iterator
from typing import Any

_PR_SET_PDEATHSIG = 1
try:
    _prctl: Any = ctypes.CDLL(None, use_errno=True).prctl
except (OSError, AttributeError):  # not Linux: groups are still killed by the worker
    _prctl = None

_open: set[int] = set()
_publish: Callable[[int], None] | None = None


def publish_to(callback: Callable[[int], None] | None) -> None:
    """Report the process group of the program in progress (0 when none) to `callback`."""
    global _publish
    _publish = callback


def popen_options() -> dict[str, Any]:
    """Keyword arguments for `subprocess.Popen` that tie the program to this process.

    Inside a limited run (its own session, killed as a group by the worker) the program
    stays in that group. The death signal follows the thread that starts the program, so
    it is only asked for from the main thread (a Dask worker runs tasks in threads).
    """
    options: dict[str, Any] = {}
    if os.getpgrp() != os.getpid():
        options["process_group"] = 0
    if _prctl is not None and threading.current_thread() is threading.main_thread():
        parent = os.getpid()
        options["preexec_fn"] = lambda: _die_with(parent)
    return options


def _die_with(parent: int) -> None:
    """In the forked child, before exec: SIGKILL when the parent goes; gone already: exit."""
    _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)


@contextlib.contextmanager
def tracked(pid: int) -> Iterator[None]:
    """While the block runs, the group of program `pid` is open; after it, it is killed
    (whatever the program left running there)."""
    group = _group_of(pid)
    _open.add(group)
    if _publish is not None:
        _publish(group)
    try:
        yield
    finally:
        kill(group)
        _open.discard(group)
        if _publish is not None:
            _publish(0)


def kill_open() -> None:
    """Kill every program group still open in this process (worker shutdown)."""
    for group in list(_open):
        kill(group)


def kill(group: int) -> None:
    """SIGKILL a process group, if it still exists and is not this process's own."""
    if group <= 0 or group == os.getpgrp():
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signal.SIGKILL)


def _group_of(pid: int) -> int:
    try:
        return os.getpgid(pid)
    except ProcessLookupError:  # ended already: it had the group it was given
        return pid
