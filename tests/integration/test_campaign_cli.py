"""Whole campaigns through the real `enchanted` command: files, rows, statuses, refusals."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys

import pandas as pd
import pytest
from campaign_configs import basic_config, write_config

from conftest import REPO

pytestmark = pytest.mark.integration


def test_quickstart_leaves_64_successful_rows_and_every_output_file(tmp_path, cli_env):
    shutil.copy(REPO / "examples" / "quickstart.yaml", tmp_path / "quickstart.yaml")
    exe = shutil.which("enchanted")
    assert exe, "the console script `enchanted` is not installed"
    done = subprocess.run(
        [exe, "run", "quickstart.yaml"],
        cwd=tmp_path,
        env=cli_env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    base = tmp_path / "runs" / "quickstart"
    df = pd.read_csv(base / "enchanted_dataset.csv")
    assert len(df) == 64
    assert (df["status"] == "SUCCESS").all() and df["success"].all()
    assert list(df.columns[:3]) == ["x", "y", "output"]
    assert df.columns[-1] == "run_dir"
    for column in (
        "success",
        "status",
        "error",
        "success_double_gaussian",
        "runtime_sec_double_gaussian",
        "cpu_sec_double_gaussian",
        "max_rss_mb_double_gaussian",
    ):
        assert column in df.columns
    assert (base / "config" / "quickstart.yaml").read_text() == (
        REPO / "examples" / "quickstart.yaml"
    ).read_text()
    assert (base / "logs" / "main.log").stat().st_size > 0
    assert "completed: 64/64" in (base / "logs" / "current_progress.txt").read_text()
    events = [json.loads(line) for line in (base / "journal.jsonl").read_text().splitlines()]
    assert events[0]["event"] == "campaign_started"
    assert events[-1]["event"] == "campaign_finished"
    assert sum(e["event"] == "finished" for e in events) == 64
    run_dirs = sorted(p.name for p in (base / "data").iterdir())
    assert "d0_b0_s0_r0" in run_dirs and len(run_dirs) == 64
    with open(base / "data" / "d0_b0_s0_r0" / "enchanted_datapoint.csv") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1 and rows[0]["status"] == "SUCCESS"


def test_python_m_and_console_script_give_the_same_dataset(tmp_path, enchanted, cli_env):
    config = write_config(
        tmp_path / "c.yaml",
        basic_config("out_a", {"type": "SumRunner", "params_to_sum": ["x", "y"]}),
    )
    assert enchanted("run", config, cwd=tmp_path).returncode == 0
    done = subprocess.run(
        [shutil.which("enchanted"), "run", str(config), "--base-run-dir", "out_b"],
        cwd=tmp_path,
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    a = pd.read_csv(tmp_path / "out_a" / "enchanted_dataset.csv").sort_values("x")
    b = pd.read_csv(tmp_path / "out_b" / "enchanted_dataset.csv").sort_values("x")
    pd.testing.assert_frame_equal(
        a[["x", "y", "output", "status"]].reset_index(drop=True),
        b[["x", "y", "output", "status"]].reset_index(drop=True),
    )


def test_fresh_run_into_non_empty_dir_is_refused_until_force(tmp_path, enchanted):
    base = tmp_path / "campaign"
    base.mkdir()
    (base / "precious.txt").write_text("a day of simulations")
    config = write_config(
        tmp_path / "c.yaml", basic_config(base, {"type": "SumRunner", "params_to_sum": ["x"]})
    )
    refused = enchanted("run", config, cwd=tmp_path)
    assert refused.returncode == 2
    assert "run_mode: resume" in refused.stderr and "--force" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert [p.name for p in base.iterdir()] == ["precious.txt"]

    forced = enchanted("run", config, "--force", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert not (base / "precious.txt").exists()
    assert len(pd.read_csv(base / "enchanted_dataset.csv")) == 8


ORIGINAL_CONFIGS = {
    "example_runner_random": {
        "executors": {"e1": {"type": "LocalExecutor"}},
        "samplers": {
            "s1": {
                "type": "RandomSampler",
                "bounds": [[0.0, 1.0], [0.0, 10.0]],
                "budget": 4,
                "parameters": ["c1", "c2"],
            }
        },
        "runners": {"r1": {"type": "ExampleRunner", "other_params": {}}},
        "supervisor": {
            "base_run_dir": "data_dir/local",
            "run_order": [{"executor": "e1", "sampler": "s1", "runner": "r1"}],
        },
        "logging": "INFO",
    },
    "grid_sum": {
        "executors": {"code1_executor": {"type": "LocalExecutor"}},
        "samplers": {
            "code1_sampler": {
                "type": "GridSampler",
                "bounds": [[-5, 5], [0, 1]],
                "parameters": ["c1", "c2"],
                "num_samples": 2,
            }
        },
        "runners": {"code1_runner": {"type": "SumRunner", "params_to_sum": ["c1", "c2"]}},
        "supervisor": {
            "base_run_dir": "data_dir/grid",
            "run_order": [
                {"sampler": "code1_sampler", "executor": "code1_executor", "runner": "code1_runner"}
            ],
        },
    },
    "double_gaussian_random": {
        "executors": {"e1": {"type": "LocalExecutor"}},
        "samplers": {
            "s1": {
                "type": "RandomSampler",
                "bounds": [[0.0, 1.0], [0.0, 1.0]],
                "budget": 5,
                "parameters": ["x", "y"],
            }
        },
        "runners": {
            "r1": {"type": "SyntheticDoubleGaussianRunner", "dimensions": 2, "other_params": {}}
        },
        "supervisor": {
            "base_run_dir": "data_dir/sdg",
            "run_mode": "fresh",
            "save_files": "all",
            "run_order": [{"executor": "e1", "sampler": "s1", "runner": "r1"}],
        },
        "storage": {"type": "None"},
    },
    "oldest_single_sections": {
        "executor": {"type": "LocalExecutor", "base_run_dir": "data_dir/oldest"},
        "sampler": {
            "type": "RandomSampler",
            "bounds": [[0.0, 1.0], [0.0, 10.0]],
            "budget": 3,
            "parameters": ["c1", "c2"],
        },
        "runner": {"type": "ExampleRunner", "parameter_mode": 0, "other_params": {}},
        "log_level": "debug",
    },
}
EXPECTED_ROWS = {
    "example_runner_random": 4,
    "grid_sum": 4,
    "double_gaussian_random": 5,
    "oldest_single_sections": 3,
}


@pytest.mark.parametrize("name", sorted(ORIGINAL_CONFIGS))
def test_configs_written_for_the_original_run_unchanged(name, tmp_path, enchanted):
    config = write_config(tmp_path / f"{name}.yaml", ORIGINAL_CONFIGS[name])
    done = enchanted("run", config, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    base = tmp_path / (ORIGINAL_CONFIGS[name].get("supervisor") or {}).get(
        "base_run_dir", "data_dir/oldest"
    )
    df = pd.read_csv(base / "enchanted_dataset.csv")
    assert len(df) == EXPECTED_ROWS[name]
    assert (df["status"] == "SUCCESS").all()
    assert df["output"].notna().all()


def test_grid_sum_outputs_are_the_sums(tmp_path, enchanted):
    config = write_config(tmp_path / "g.yaml", ORIGINAL_CONFIGS["grid_sum"])
    assert enchanted("run", config, cwd=tmp_path).returncode == 0
    df = pd.read_csv(tmp_path / "data_dir/grid/enchanted_dataset.csv")
    assert sorted(df["output"]) == [-5.0, -4.0, 5.0, 6.0]
    assert (df["output"] == df["c1"] + df["c2"]).all()


def test_raising_runner_gives_failed_rows_and_the_campaign_finishes(tmp_path, enchanted):
    config = write_config(
        tmp_path / "c.yaml",
        basic_config(
            tmp_path / "camp", {"type": "es_test_plugins:RaisingRunner", "threshold": 0.5}
        ),
    )
    done = enchanted("run", config, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    df = pd.read_csv(tmp_path / "camp" / "enchanted_dataset.csv")
    assert len(df) == 8
    failed = df[df["x"] > 0.5]
    assert len(failed) > 0 and len(failed) < 8
    assert (failed["status"] == "FAILED").all() and not failed["success"].any()
    assert failed["error"].str.startswith("ValueError: boom at x=").all()
    ok = df[df["x"] <= 0.5]
    assert (ok["status"] == "SUCCESS").all() and (ok["output"] == ok["x"] * 2).all()
    log_text = (tmp_path / "camp" / "logs" / "main.log").read_text()
    assert "Traceback (most recent call last)" in log_text and "boom at x=" in log_text
    failures = (tmp_path / "camp" / "logs" / "failures.log").read_text()
    for run_dir in failed["run_dir"]:
        assert failures.count(f"run_dir: {run_dir}\n") == 1  # each failure once
    assert failures.count("Traceback (most recent call last)") == len(failed)
    assert "params: {" in failures and "d0_b0_s" in failures


def test_runner_without_success_key_gives_failed_rows(tmp_path, enchanted):
    config = write_config(
        tmp_path / "c.yaml",
        basic_config(
            tmp_path / "camp",
            {"type": "es_test_plugins:NoSuccessRunner"},
            stop_if_first_runs_fail=0,
        ),
    )
    assert enchanted("run", config, cwd=tmp_path).returncode == 4  # every run failed
    df = pd.read_csv(tmp_path / "camp" / "enchanted_dataset.csv")
    assert (df["status"] == "FAILED").all()
    assert (df["error"] == "runner returned no 'success' key").all()


def test_module_entry_point_prints_version():
    done = subprocess.run(
        [sys.executable, "-m", "enchanted_surrogates", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and done.stdout.startswith("enchanted ")
