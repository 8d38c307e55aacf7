"""An explicit-points campaign runs exactly a file's rows, in order, and resumes after kill -9."""

from __future__ import annotations

import glob
import os
import signal
import time

import numpy as np
import pandas as pd
import pytest
from campaign_configs import write_config
from processes import start_quiet_run

from enchanted_surrogates.journal import read_journal

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROWS = 60


def _config(base, points_file):
    return {
        "executors": {"e": {"type": "LocalExecutor", "max_workers": 2}},
        "samplers": {
            "s": {
                "type": "ExplicitPointsSampler",
                "file": str(points_file),
                "parameters": ["x", "y"],
                "columns": {"x": "X"},
                "start": 5,
                "stop": 5 + ROWS,
            }
        },
        "runners": {"r": {"type": "es_test_plugins:CountingRunner", "sleep": 0.02}},
        "supervisor": {
            "base_run_dir": str(base),
            "run_order": [{"sampler": "s", "executor": "e", "runner": "r"}],
        },
    }


def _asked_in_order(base):
    asked = {
        e["index"]: e["point"]
        for e in read_journal(base / "journal.jsonl")
        if e["event"] == "asked"
    }
    return [asked[i] for i in sorted(asked)]


def test_killed_and_resumed_campaign_ran_exactly_the_selected_rows_in_order(tmp_path, cli_env):
    rng = np.random.default_rng(0)
    table = pd.DataFrame({"y": rng.integers(0, 1000, 100), "X": rng.random(100)})
    points_file = tmp_path / "design.csv"
    table.to_csv(points_file, index=False)
    expected = [
        {"x": float(x), "y": int(y)}
        for x, y in zip(table["X"][5 : 5 + ROWS], table["y"][5 : 5 + ROWS])
    ]
    base = tmp_path / "camp"
    path = write_config(tmp_path / "c.yaml", _config(base, points_file))

    first = start_quiet_run(path, cli_env)
    deadline = time.monotonic() + 60
    while (
        time.monotonic() < deadline
        and len(glob.glob(str(base / "data" / "*" / "invocations.txt"))) < 10
    ):
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=30)
    done = start_quiet_run(path, cli_env, "--resume")
    _, err = done.communicate(timeout=180)
    assert done.returncode == 0, err

    assert _asked_in_order(base) == expected
    df = pd.read_csv(base / "enchanted_dataset.csv")
    assert len(df) == ROWS and (df["status"] == "SUCCESS").all()
    got = sorted(zip(df["x"], df["y"]))
    assert got == pytest.approx(sorted((p["x"], p["y"]) for p in expected))
    for invocations in glob.glob(str(base / "data" / "*" / "invocations.txt")):
        with open(invocations) as handle:
            assert len(handle.read().split()) == 1, f"{invocations} ran more than once"


def test_a_missing_column_is_a_config_error_naming_the_sampler(tmp_path, enchanted):
    points_file = tmp_path / "design.csv"
    pd.DataFrame({"x": [1.0], "y": [2]}).to_csv(points_file, index=False)
    config = _config(tmp_path / "camp", points_file)
    path = write_config(tmp_path / "c.yaml", config)
    done = enchanted("run", path, cwd=tmp_path)
    assert done.returncode == 2
    assert "samplers.s" in done.stderr and "no column 'X'" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "camp").exists()
