"""A CommandRunner's `timeout` and `memory_limit` are applied to its program, in the
worker, instead of a forked child per run (issue 19 point 2: ~8 ms a run), and only where
no user Python runs beside the program; a memory limit keeps the child."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from campaign_configs import basic_config

import enchanted_surrogates

pytestmark = pytest.mark.integration

PPID = ["sh", "-c", "echo $PPID"]


def _campaign(tmp_path: Path, runner: dict, values: list) -> list[dict]:
    sampler = {"type": "ArraySampler", "parameters": ["hang"], "values": [values]}
    config = basic_config(tmp_path / "c", runner, sampler)
    config["executors"]["e1"]["max_workers"] = 1
    return enchanted_surrogates.run(config).to_dict("records")


def _parents(rows: list[dict]) -> set[int]:
    return {int((Path(row["run_dir"]) / "stdout.txt").read_text()) for row in rows}


def test_a_limited_command_starts_its_program_from_the_worker_itself(tmp_path):
    rows = _campaign(
        tmp_path, {"type": "CommandRunner", "command": PPID, "timeout": 60}, [0, 0, 0, 0]
    )
    assert all(row["status"] == "SUCCESS" for row in rows)
    assert len(_parents(rows)) == 1  # one worker; no child of it per run


def test_a_subclass_with_its_own_python_keeps_a_limited_child_per_run(tmp_path):
    runner = {"type": "es_test_plugins:HangAfterCommandRunner", "command": PPID, "timeout": 2}
    start = time.monotonic()
    rows = _campaign(tmp_path, runner, [0, 0, 1])
    assert time.monotonic() - start < 2 + 30
    assert [row["status"] for row in rows] == ["SUCCESS", "SUCCESS", "TIMEOUT"]
    assert len(_parents(rows)) == 3  # each run's program had its own parent, the child


def test_a_user_output_reader_keeps_the_limited_child(tmp_path):
    runner = {
        "type": "CommandRunner",
        "command": PPID,
        "timeout": 60,
        "outputs": [{"type": "function", "function": "es_test_plugins:read_nothing"}],
    }
    rows = _campaign(tmp_path, runner, [0, 0])
    assert len(_parents(rows)) == 2


def test_the_program_runs_under_the_memory_limit(tmp_path):
    code = "import resource; print(resource.getrlimit(resource.RLIMIT_AS)[0])"
    runner = {"type": "CommandRunner", "command": [sys.executable, "-c", code]}
    rows = _campaign(tmp_path, {**runner, "memory_limit": 500}, [0])
    assert (Path(rows[0]["run_dir"]) / "stdout.txt").read_text().strip() == str(500 * 2**20)


def test_an_output_reader_past_the_deadline_is_a_timeout(tmp_path):
    """The runner's own work after the program is bounded too: a regular expression that
    backtracks for ~10 s over the program's output ends at the run's timeout."""
    runner = {
        "type": "CommandRunner",
        "command": ["sh", "-c", "printf %028db 0 | tr 0 a"],
        "timeout": 1,
        "outputs": [{"type": "regex", "pattern": "^(a+)+$", "name": "never"}],
    }
    start = time.monotonic()
    rows = _campaign(tmp_path, runner, [0])
    assert rows[0]["status"] == "TIMEOUT" and "timeout of 1 s" in rows[0]["error"]
    assert time.monotonic() - start < 1 + 6


def test_a_timed_out_program_tree_keeps_its_cpu_seconds(tmp_path):
    """A killed launcher's children are not reaped by the worker: what they used is read
    from the tree just before the kill, as the limited child's sampling did."""
    burn = f"{sys.executable} -c 'while True: pass' & wait"
    runner = {"type": "CommandRunner", "command": ["sh", "-c", burn], "timeout": 2}
    (row,) = _campaign(tmp_path, runner, [0])
    assert row["status"] == "TIMEOUT"
    assert row["cpu_sec_r1"] >= 1.0
