"""Run one `single_code_run` in a child process under a time and a memory limit.

The child leads its own process group and session, so a timeout kills it with every
process it started (a code's MPI launcher, a shell); `RLIMIT_AS` caps its address space,
which an external program it starts inherits. The parent waits on the result pipe with
the timeout, so it wakes when the run ends, not on a polling tick.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import resource
import signal
import traceback
from typing import Any

from enchanted_surrogates.executors import program_groups
from enchanted_surrogates.executors.run_usage import TreeMonitor, Usage, combine, rusage_usage
from enchanted_surrogates.runs.errors import (
    AbortCampaign,
    RunCrashed,
    RunError,
    RunMemout,
    RunTimeout,
)
from enchanted_surrogates.runs.status import Status

_running_child = 0  # pid (= process group) of the limited run in progress, if any


def kill_running_child() -> None:
    """Kill the limited run in progress, or the program of a plain run, with its whole
    process group (worker shutdown)."""
    if _running_child:
        _kill_group(_running_child)
    program_groups.kill_open()


class ChildFailure(RunError):
    """A run that failed inside the child: carries the child's traceback text."""

    def __init__(self, message: str, status: Status, child_traceback: str) -> None:
        super().__init__(message)
        self.status = status
        self.child_traceback = child_traceback


def run_limited(
    runner: Any,
    run_dir: str,
    params: dict,
    timeout: float | None,
    memory_limit_mb: float | None,
    usage: list[Usage] | None = None,
) -> Any:
    """`runner.single_code_run(run_dir=..., params=...)` in a limited child; its return
    value, or the RunError (or AbortCampaign) that says how it ended. The child's process
    tree is watched meanwhile; what it used is appended to `usage`, however the run ended."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(
        target=_child, args=(runner, run_dir, params, memory_limit_mb, send), daemon=False
    )
    global _running_child
    child.start()
    _running_child = child.pid
    send.close()
    monitor = TreeMonitor(child.pid)
    exact: Usage | None = None
    try:
        if not receive.poll(timeout):
            _kill_group(child.pid)
            child.join()
            raise RunTimeout(f"exceeded the timeout of {timeout:g} s; its processes were killed")
        try:
            kind, payload, exact = receive.recv()
        except EOFError:
            child.join()
            _kill_group(child.pid)  # what the dead run started
            raise _death(child.exitcode, memory_limit_mb) from None
    finally:
        receive.close()
        _running_child = 0
        if usage is not None:
            usage.append(combine(monitor.stop(), exact))
        else:
            monitor.stop()
    child.join()
    _kill_group(child.pid)  # anything the run left running in its group
    if kind == "ok":
        return payload
    if kind == "abort":
        raise AbortCampaign(payload)
    status, message, child_traceback = payload
    raise ChildFailure(message, status, child_traceback)


def _death(exitcode: int | None, memory_limit_mb: float | None) -> RunError:
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        if -exitcode == signal.SIGKILL and memory_limit_mb:
            return RunMemout(
                f"killed by {name}, likely out of memory (limit {memory_limit_mb:g} MB)"
            )
        return RunCrashed(f"killed by signal {name}")
    return RunCrashed(f"the run's process exited with code {exitcode} without a result")


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):  # the group is gone
        os.killpg(pid, signal.SIGKILL)


def _die_with_parent(parent: int) -> None:
    """Linux: get SIGKILL when the worker that started this run dies (prctl PDEATHSIG)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the worker died before prctl took effect
        os._exit(1)


def _child(runner: Any, run_dir: str, params: dict, memory_limit_mb: float | None, send) -> None:
    parent = os.getppid()
    os.setsid()
    _die_with_parent(parent)
    if memory_limit_mb:
        limit = int(memory_limit_mb * 1024 * 1024)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        message: tuple = ("ok", runner.single_code_run(run_dir=run_dir, params=params))
    except AbortCampaign as exc:
        message = ("abort", str(exc))
    except MemoryError:
        message = (
            "error",
            (
                Status.MEMOUT,
                f"MemoryError: beyond the memory limit of {memory_limit_mb:g} MB",
                traceback.format_exc(),
            ),
        )
    except RunError as exc:
        message = ("error", (exc.status, str(exc), traceback.format_exc()))
    except BaseException as exc:
        message = ("error", (Status.FAILED, f"{type(exc).__name__}: {exc}", traceback.format_exc()))
    used = rusage_usage(resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    try:
        send.send((*message, used))
    except Exception as exc:  # e.g. outputs that cannot be pickled
        send.send(("error", (Status.FAILED, f"cannot return the result: {exc}", ""), used))
    finally:
        send.close()
        os._exit(0)
