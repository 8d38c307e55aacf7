"""program_limits: the run's limits as a program started under them sees them."""

from __future__ import annotations

import os
import subprocess

import pytest

from enchanted_surrogates.executors import program_limits
from enchanted_surrogates.runs.errors import RunTimeout


def test_no_limits_set_nothing():
    with program_limits.applied(None, None):
        assert program_limits.current() is None


def test_the_time_left_counts_from_the_start_of_the_run():
    with program_limits.applied(5.0, 300):
        limits = program_limits.current()
        assert limits.memory_bytes() == 300 * 2**20
        assert 0 < limits.time_left() <= 5.0
    assert program_limits.current() is None


@pytest.mark.parametrize("pidfd", [True, False], ids=["pidfd", "polling"])
def test_a_program_past_the_time_left_is_killed_and_timed_out(monkeypatch, pidfd):
    if not pidfd:
        monkeypatch.delattr(os, "pidfd_open", raising=False)
    killed = []
    with program_limits.applied(0.3, None):
        quick = subprocess.Popen(["true"])
        assert program_limits.wait(quick, lambda: killed.append("quick")) == 0
        slow = subprocess.Popen(["sleep", "30"], process_group=0)
        with pytest.raises(RunTimeout, match="exceeded the timeout of 0.3 s"):
            program_limits.wait(slow, lambda: (killed.append("slow"), slow.kill()))
    assert killed == ["slow"] and slow.returncode is not None
