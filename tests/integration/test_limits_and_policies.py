"""Time and memory limits, statuses, retries, failure policies and secrets, for real."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pandas as pd
import pytest
from campaign_configs import basic_config, write_config
from processes import alive

import enchanted_surrogates
from enchanted_surrogates import CampaignAborted

pytestmark = pytest.mark.integration


def _one(tmp_path, runner, budget=1, **supervisor):
    sampler = {
        "type": "RandomSampler",
        "parameters": ["x"],
        "bounds": [[0, 1]],
        "budget": budget,
        "seed": 3,
    }
    return basic_config(tmp_path / "c", runner, sampler, **supervisor)


def test_a_hanging_run_is_killed_with_its_children_and_recorded_as_timeout(tmp_path):
    config = _one(tmp_path, {"type": "es_test_plugins:HangRunner", "timeout": 1.5})
    start = time.monotonic()
    df = enchanted_surrogates.run(config)
    assert time.monotonic() - start < 1.5 + 2 + 3  # timeout + 2 s, plus pool start-up
    row = df.iloc[0]
    assert row["status"] == "TIMEOUT" and not row["success"]
    assert "timeout of 1.5 s" in row["error"]
    assert row["runtime_sec_r1"] == pytest.approx(1.5, abs=1.0)
    with open(os.path.join(row["run_dir"], "grandchild.pid")) as handle:
        grandchild = int(handle.read())
    assert not alive(grandchild)


def test_a_run_beyond_its_memory_limit_is_memout(tmp_path):
    config = _one(
        tmp_path, {"type": "es_test_plugins:HogRunner", "megabytes": 2048, "memory_limit": 300}
    )
    row = enchanted_surrogates.run(config).iloc[0]
    assert row["status"] == "MEMOUT" and "300 MB" in row["error"]


def test_the_same_allocation_under_a_higher_limit_succeeds(tmp_path):
    config = _one(
        tmp_path, {"type": "es_test_plugins:HogRunner", "megabytes": 50, "memory_limit": 1000}
    )
    assert enchanted_surrogates.run(config).iloc[0]["status"] == "SUCCESS"


def test_a_run_killed_by_a_signal_is_crashed(tmp_path):
    config = _one(tmp_path, {"type": "es_test_plugins:SegfaultRunner", "timeout": 60})
    row = enchanted_surrogates.run(config).iloc[0]
    assert row["status"] == "CRASHED" and "SIGSEGV" in row["error"]


def test_a_crash_on_the_first_attempt_is_retried_and_succeeds(tmp_path):
    config = _one(tmp_path, {"type": "es_test_plugins:FlakyRunner", "retries": 1}, budget=4)
    df = enchanted_surrogates.run(config)
    assert (df["status"] == "SUCCESS").all()
    assert (df["attempts_r1"] == 2).all()
    assert list(df.columns[-2:]) == ["attempts_r1", "run_dir"]
    for run_dir in df["run_dir"]:  # the retry started from an emptied run dir
        assert Path(run_dir, "attempts.log").read_text() == "attempt\n"
    events = [
        line
        for line in (tmp_path / "c" / "journal.jsonl").read_text().splitlines()
        if '"event":"retry"' in line
    ]
    assert len(events) == 4 and '"status":"CRASHED"' in events[0]


def test_without_retries_the_first_crash_stands(tmp_path):
    config = _one(tmp_path, {"type": "es_test_plugins:FlakyRunner"}, budget=2)
    df = enchanted_surrogates.run(config)
    assert (df["status"] == "CRASHED").all() and "attempts_r1" not in df.columns


def test_max_failure_rate_aborts_keeping_every_finished_row(tmp_path, enchanted):
    config = _one(
        tmp_path,
        {"type": "es_test_plugins:RaisingRunner", "threshold": -1.0},
        budget=200,
        max_failure_rate=0.5,
        failure_rate_min_runs=10,
        stop_if_first_runs_fail=0,
    )
    path = write_config(tmp_path / "c.yaml", config)
    done = enchanted("run", path, cwd=tmp_path)
    assert done.returncode == 3
    assert "max_failure_rate" in done.stderr and f"enchanted run {path} --resume" in done.stderr
    assert "Traceback" not in done.stderr
    df = pd.read_csv(tmp_path / "c" / "enchanted_dataset.csv")
    assert 10 <= len(df) < 200 and (df["status"] == "FAILED").all()
    journal = (tmp_path / "c" / "journal.jsonl").read_text()
    assert journal.count('"event":"failed"') == len(df)
    assert '"event":"aborted"' in journal


def test_abort_on_first_failure(tmp_path):
    config = _one(
        tmp_path,
        {"type": "es_test_plugins:RaisingRunner", "threshold": 0.5},
        budget=50,
        abort_on_first_failure=True,
    )
    with pytest.raises(CampaignAborted, match="abort_on_first_failure"):
        enchanted_surrogates.run(config)
    df = pd.read_csv(tmp_path / "c" / "enchanted_dataset.csv")
    assert (df["status"] == "FAILED").sum() >= 1 and len(df) < 50


def test_a_runner_raising_abort_campaign_stops_it_with_its_message(tmp_path):
    config = _one(tmp_path, {"type": "es_test_plugins:AbortingRunner", "above": 0.5}, budget=50)
    with pytest.raises(CampaignAborted, match="the licence server is gone"):
        enchanted_surrogates.run(config)
    df = pd.read_csv(tmp_path / "c" / "enchanted_dataset.csv")
    assert len(df) < 50 and df["error"].str.contains("licence server").any()


def test_policy_keys_are_validated(tmp_path):
    config = _one(
        tmp_path,
        {"type": "SumRunner", "params_to_sum": ["x"], "timeout": -1, "retry_on": ["EXPLODED"]},
        max_failure_rate=2,
    )
    with pytest.raises(enchanted_surrogates.ConfigError) as info:
        enchanted_surrogates.run(config)
    text = str(info.value)
    assert "runners.r1.timeout" in text and "runners.r1.retry_on[0]" in text
    assert "supervisor.max_failure_rate" in text
    assert not (tmp_path / "c").exists()


SECRET = "s3cr3t-T0KEN-4242"


def test_a_secret_never_reaches_any_file(tmp_path, enchanted):
    secrets_file = tmp_path / "secrets.ini"
    secrets_file.write_text(f"[licence]\ntoken = {SECRET}\n")
    config = _one(tmp_path, {"type": "es_test_plugins:LeakyRunner"}, budget=6)
    path = write_config(tmp_path / "c.yaml", config)
    done = enchanted("run", path, "--secrets", secrets_file, "-v", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    df = pd.read_csv(tmp_path / "c" / "enchanted_dataset.csv")
    assert (df.loc[df["success"], "echo"] == "token=***").all()
    assert df.loc[~df["success"], "error"].str.contains(r"token \*\*\*").all()
    assert SECRET not in done.stdout + done.stderr
    leaks = []
    for folder, _, files in os.walk(tmp_path / "c"):
        for name in files:
            with open(os.path.join(folder, name), "rb") as handle:
                if SECRET.encode() in handle.read():
                    leaks.append(os.path.join(folder, name))
    assert leaks == []


def test_a_bad_secrets_file_is_a_clear_error(tmp_path, enchanted):
    config = _one(tmp_path, {"type": "SumRunner", "params_to_sum": ["x"]})
    path = write_config(tmp_path / "c.yaml", config)
    done = enchanted("run", path, "--secrets", tmp_path / "missing.ini", cwd=tmp_path)
    assert done.returncode == 2 and "cannot read the secrets file" in done.stderr
    assert not (tmp_path / "c").exists()


def test_a_command_printing_its_secret_leaves_no_trace_in_any_file(tmp_path, enchanted):
    secrets_file = tmp_path / "secrets.yaml"
    secrets_file.write_text(f"licence:\n  token: {SECRET}\n")
    runner = {
        "type": "CommandRunner",
        "command": ["sh", "-c", 'echo "key=$TOKEN"; echo "bad token $TOKEN" >&2; exit 2'],
        "env": {"TOKEN": "{secrets.licence.token}"},
    }
    config = _one(tmp_path, runner, budget=2)
    path = write_config(tmp_path / "c.yaml", config)
    done = enchanted("run", path, "--secrets", secrets_file, cwd=tmp_path)
    assert done.returncode == 4, done.stderr  # every run failed
    df = pd.read_csv(tmp_path / "c" / "enchanted_dataset.csv")
    assert (df["status"] == "FAILED").all() and df["error"].str.contains(r"bad token \*\*\*").all()
    with open(os.path.join(df.iloc[0]["run_dir"], "stdout.txt")) as handle:
        assert handle.read().strip() == "key=***"
    assert SECRET not in done.stdout + done.stderr
    for folder, _, files in os.walk(tmp_path / "c"):
        for name in files:
            with open(os.path.join(folder, name), "rb") as handle:
                assert SECRET.encode() not in handle.read(), os.path.join(folder, name)
