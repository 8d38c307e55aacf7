"""program_limits: a run's timeout kept in the worker's main thread, for its program (the
wait) and for the runner's own work around it (SIGALRM)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import time

import pytest

from enchanted_surrogates.executors import program_limits
from enchanted_surrogates.executors.worker import run_task
from enchanted_surrogates.runners.command_runner import CommandRunner
from enchanted_surrogates.runs.errors import RunTimeout
from enchanted_surrogates.runs.task import RunnerSpec, Task

TIMED_OUT = re.escape("exceeded the timeout of 0.3 s")


def test_without_limits_the_wait_is_a_plain_wait():
    assert program_limits.current() is None
    assert program_limits.wait(subprocess.Popen(["true"]), lambda: None) == 0


@pytest.mark.parametrize("pidfd", [True, False], ids=["pidfd", "polling"])
def test_a_program_past_the_time_left_is_killed_and_timed_out(monkeypatch, pidfd):
    if not pidfd:
        monkeypatch.delattr(os, "pidfd_open", raising=False)
    killed = []
    with program_limits.applied(0.3) as limits:
        quick = subprocess.Popen(["true"])
        assert program_limits.wait(quick, lambda: killed.append("quick")) == 0
        assert (limits.used is not None) is pidfd  # wait4 read what it used
        slow = subprocess.Popen(["sleep", "30"], process_group=0)
        with pytest.raises(RunTimeout, match=TIMED_OUT):
            program_limits.wait(slow, lambda: (killed.append("slow"), slow.kill()))
    assert killed == ["slow"] and slow.returncode is not None


def test_the_runners_own_work_past_the_deadline_is_timed_out_and_the_alarm_undone():
    before = signal.getsignal(signal.SIGALRM)
    start = time.monotonic()
    with pytest.raises(RunTimeout, match=TIMED_OUT), program_limits.applied(0.3):
        time.sleep(10)
    assert time.monotonic() - start < 5
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is before and program_limits.current() is None


def test_no_alarm_while_paused_and_the_deadline_holds_on_resume():
    with program_limits.applied(0.3):
        program_limits.pause()
        time.sleep(0.5)  # a program starting: never interrupted
        with pytest.raises(RunTimeout, match=TIMED_OUT):
            program_limits.resume()


def _parent_of_program(tmp_path, name: str, **limits) -> int:
    spec = RunnerSpec(
        name="r",
        cls=CommandRunner,
        kwargs={"command": ["sh", "-c", "echo $PPID"]},
        key=name,
        **limits,
    )
    result = run_task(Task(run_id=name, run_dir=str(tmp_path / name), params={}, runner=spec))
    assert result.success, result.error
    return int((tmp_path / name / "stdout.txt").read_text())


def test_only_a_timeout_in_the_main_thread_stays_in_the_worker(tmp_path):
    """Elsewhere the run keeps its limited child: a memory limit would cap the worker, and
    off the main thread (a Dask worker) neither SIGALRM nor the death signal reaches."""
    assert _parent_of_program(tmp_path, "main", timeout=60) == os.getpid()
    assert _parent_of_program(tmp_path, "memory", timeout=60, memory_limit=4000) != os.getpid()
    parents = []
    thread = threading.Thread(
        target=lambda: parents.append(_parent_of_program(tmp_path, "thread", timeout=60))
    )
    thread.start()
    thread.join()
    assert parents and parents[0] != os.getpid()
