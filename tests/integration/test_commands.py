"""External programs through whole campaigns: limits, statuses, injection, the example."""

from __future__ import annotations

import json
import os
import shutil
import sys
import time

import pandas as pd
import pytest
from campaign_configs import basic_config
from processes import alive

import enchanted_surrogates
from conftest import REPO

pytestmark = pytest.mark.integration


def _command_campaign(tmp_path, runner, values=None):
    sampler = {"type": "ArraySampler", "parameters": ["name"], "values": [values or ["a"]]}
    return basic_config(tmp_path / "c", runner, sampler)


def _status(tmp_path, command, **limits):
    runner = {"type": "CommandRunner", "command": command, **limits}
    return enchanted_surrogates.run(_command_campaign(tmp_path, runner)).iloc[0]


def test_a_command_past_its_timeout_is_killed_with_its_children(tmp_path):
    script = "sleep 300 & echo $! > child.pid; wait"
    start = time.monotonic()
    row = _status(tmp_path, ["sh", "-c", script], timeout=1.0)
    assert time.monotonic() - start < 1.0 + 2 + 3  # timeout + 2 s, plus pool start-up
    assert row["status"] == "TIMEOUT"
    with open(os.path.join(row["run_dir"], "child.pid")) as handle:
        child = int(handle.read())
    assert not alive(child)


def test_a_command_beyond_its_memory_limit_is_memout(tmp_path):
    row = _status(tmp_path, [sys.executable, "-c", "bytearray(2 * 1024**3)"], memory_limit=300)
    assert row["status"] == "MEMOUT"


def test_a_command_killed_by_a_signal_is_crashed(tmp_path):
    code = "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"
    row = _status(tmp_path, [sys.executable, "-c", code])
    assert row["status"] == "CRASHED" and "SIGKILL" in row["error"]


def test_a_non_zero_exit_is_failed_with_the_code_and_stderr_tail(tmp_path):
    row = _status(tmp_path, ["sh", "-c", "echo starting; echo 'solver diverged' >&2; exit 3"])
    assert row["status"] == "FAILED"
    assert "exit code 3" in row["error"] and "solver diverged" in row["error"]


def test_a_parameter_value_cannot_inject_shell_syntax(tmp_path):
    victim = tmp_path / "x"
    victim.mkdir()
    echo = "import json, sys; json.dump(sys.argv[1:], open('argv.json', 'w'))"
    runner = {
        "type": "CommandRunner",
        "command": [sys.executable, "-c", echo, "{name}"],
        "outputs": [],
    }
    value = f"; rm -rf {victim}"
    df = enchanted_surrogates.run(_command_campaign(tmp_path, runner, [value]))
    row = df.iloc[0]
    assert row["status"] == "SUCCESS"
    with open(os.path.join(row["run_dir"], "argv.json")) as handle:
        assert json.load(handle) == [value]
    assert victim.exists()


def test_the_command_example_runs_as_the_readme_says(tmp_path, enchanted):
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    done = enchanted("run", "examples/command/campaign.yaml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    df = pd.read_csv(tmp_path / "runs" / "command" / "enchanted_dataset.csv")
    assert len(df) == 16 and (df["status"] == "SUCCESS").all()
    expected = (df["x"] - 0.3) ** 2 + 2 * (df["y"] - 0.7) ** 2
    assert ((df["energy"] - expected).abs() < 1e-9).all()
    assert df["residual"].notna().all()
    run_dir = df.iloc[0]["run_dir"]
    assert os.path.exists(os.path.join(tmp_path, run_dir, "input.nml"))
