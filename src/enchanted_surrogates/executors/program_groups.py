"""External programs started by a run: each leads its own process group, dies with its worker.

A program the command runner starts must end when its run, its worker or the supervisor
ends, however that happens, or it keeps writing into a directory that a resumed campaign
has already cleaned and given to a new attempt. So every program starts in a process
group of its own (what it starts in turn stays in that group), with the kernel told to
SIGKILL it when the worker that started it dies (PR_SET_PDEATHSIG). The worker kills the
groups still open when it is stopped or sees the supervisor gone, and publishes the open
group to the pool, which kills the group of a worker that died (kill -9 included).

A program that leaves its group on purpose (`setsid`, a daemon) is out of reach.

The death signal can only be asked for by the child itself, between fork and exec. A
`preexec_fn` does that in Python, which makes `subprocess` fork the whole worker instead
of using vfork: 10-30 ms per program for a worker with pandas loaded, against ~1 ms. So a
program whose path resolves is started through util-linux's `setpriv --pdeathsig KILL`
(vfork, then setpriv sets the signal and execs the program in the same process), and only
where setpriv lacks that option (util-linux < 2.33) or the program does not resolve (so
that Popen reports it as before) through the `preexec_fn`.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import shutil
import signal
import subprocess
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


def spawn_options(
    args: list[str] | str, shell: bool, cwd: str, env: dict[str, str], own_group: bool = False
) -> dict:
    """`subprocess.Popen` arguments (args, shell and `popen_options`) that start the
    program with the death signal set, through setpriv when it can (see the module
    docstring). `own_group`: the program leads a new process group even where this
    process leads its own (a run timed out by killing the program's group)."""
    options = popen_options()
    if own_group:
        options["process_group"] = 0
    if "preexec_fn" not in options or _setpriv() is None:
        return {"args": args, "shell": shell, **options}
    argv = ["/bin/sh", "-c", args] if shell else list(args)
    program = _resolve(argv[0], cwd, env)
    if program is None:
        return {"args": args, "shell": shell, **options}
    del options["preexec_fn"]
    wrapped = [_setpriv(), "--pdeathsig", "KILL", "--", program, *argv[1:]]
    return {"args": wrapped, "shell": False, **options}


@functools.cache
def _setpriv() -> str | None:
    """The path of a setpriv that sets a death signal, or None."""
    path = shutil.which("setpriv")
    if path is None:
        return None
    try:
        done = subprocess.run(
            [path, "--pdeathsig", "KILL", "--", "/bin/true"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return path if done.returncode == 0 else None


def _resolve(program: str, cwd: str, env: dict[str, str]) -> str | None:
    """The executable file `program` names as exec would find it (relative to `cwd`
    when it holds a slash, else on the program's PATH); None when there is none."""
    if os.sep in program:
        path = os.path.join(cwd, program)
        return path if os.path.isfile(path) and os.access(path, os.X_OK) else None
    found = shutil.which(program, path=env.get("PATH", os.defpath))
    # a relative PATH entry would be searched from the run directory: leave it to exec
    return found if found and os.path.isabs(found) else None


def _die_with(parent: int) -> None:
    """In the forked child, before exec: SIGKILL when the parent goes; gone already: exit."""
    _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)


@contextlib.contextmanager
def tracked(pid: int) -> Iterator[int]:
    """While the block runs, the group of program `pid` (given to the block) is open;
    after it, it is killed (whatever the program left running there)."""
    group = _group_of(pid)
    _open.add(group)
    if _publish is not None:
        _publish(group)
    try:
        yield group
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
