"""Nothing a campaign started outlives it: programs and pool processes die with it."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from campaign_configs import basic_config, write_config
from processes import alive

pytestmark = pytest.mark.integration

# The program records its own pid and that of a grandchild, then keeps writing into its
# run directory: a survivor would be seen alive and would write into a re-run's directory.
PROGRAM = (
    "sleep 300 & echo $! > grandchild.pid; echo $$ > program.pid; "
    "while true; do echo tick >> ticks.txt; sleep 0.2; done"
)


def _program_config(base: Path, **runner) -> dict:
    command = {"type": "CommandRunner", "command": ["sh", "-c", PROGRAM], **runner}
    sampler = {
        "type": "RandomSampler",
        "parameters": ["x"],
        "bounds": [[0.0, 1.0]],
        "budget": 2,
        "seed": 1,
    }
    return basic_config(base, command, sampler)


def _start(config: Path, cwd: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "enchanted_surrogates", "run", str(config)],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _wait_for(predicate, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _program_pids(base: Path) -> list[int]:
    pids = []
    for name in ("program.pid", "grandchild.pid"):
        for path in base.rglob(name):
            text = path.read_text().strip()
            if text:
                pids.append(int(text))
    return pids


def _gone_soon(pids: list[int], seconds: float = 10) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        left = [pid for pid in pids if alive(pid)]
        if not left:
            return []
        time.sleep(0.1)
    return left


@pytest.fixture
def reap():
    """Kill whatever a failed test left alive, so one failure does not leak into others."""
    pids: list[int] = []
    yield pids
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
@pytest.mark.parametrize("limits", [{}, {"timeout": 600}], ids=["plain", "timeout"])
def test_programs_die_with_the_supervisor(tmp_path, cli_env, reap, signum, limits):
    base = tmp_path / "camp"
    config = _program_config(base)
    config["runners"]["r1"].update(limits)
    path = write_config(tmp_path / "c.yaml", config)
    process = _start(path, tmp_path, cli_env)
    _wait_for(lambda: len(_program_pids(base)) == 4)
    pids = _program_pids(base)
    reap.extend(pids)
    os.kill(process.pid, signum)  # the supervisor alone, not its process group
    process.wait(timeout=30)
    assert _gone_soon(pids) == []


def test_programs_die_with_their_worker(tmp_path, cli_env, reap):
    base = tmp_path / "camp"
    path = write_config(tmp_path / "c.yaml", _program_config(base))
    process = _start(path, tmp_path, cli_env)
    _wait_for(lambda: len(_program_pids(base)) == 4)
    pids = _program_pids(base)
    reap.extend(pids)
    reap.append(process.pid)
    worker = psutil.Process(pids[0]).parent()
    worker.kill()
    assert _gone_soon(pids) == []
    process.kill()


def test_an_earlier_attempt_never_writes_into_the_resumed_run(tmp_path, cli_env, reap):
    base = tmp_path / "camp"
    config = _program_config(base)
    path = write_config(tmp_path / "c.yaml", config)
    process = _start(path, tmp_path, cli_env)
    _wait_for(lambda: len(_program_pids(base)) == 4)
    reap.extend(_program_pids(base))
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert _gone_soon(_program_pids(base)) == []
    ticks = {p: p.read_text().count("tick") for p in base.rglob("ticks.txt")}
    time.sleep(1)
    assert {p: p.read_text().count("tick") for p in base.rglob("ticks.txt")} == ticks


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.0, 0.05, 0.15, 0.3, 0.6, 1.0])
def test_kill_9_during_pool_start_up_leaves_nothing_running(tmp_path, cli_env, reap, delay):
    base = tmp_path / "camp"
    config = _program_config(base)
    path = write_config(tmp_path / "c.yaml", config)
    process = _start(path, tmp_path, cli_env)
    supervisor = psutil.Process(process.pid)
    seen: dict[int, psutil.Process] = {}
    deadline = time.monotonic() + delay
    while True:  # collect every descendant until the kill
        try:
            for child in supervisor.children(recursive=True):
                seen.setdefault(child.pid, child)
        except psutil.NoSuchProcess:
            break
        if time.monotonic() >= deadline and (delay == 0 or len(seen) >= 2):
            break
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    for child in list(seen.values()):
        try:
            for grandchild in child.children(recursive=True):
                seen.setdefault(grandchild.pid, grandchild)
        except psutil.NoSuchProcess:
            pass
    reap.extend(seen)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        left = [p.pid for p in seen.values() if p.is_running() and alive(p.pid)]
        if not left:
            break
        time.sleep(0.1)
    assert left == []
