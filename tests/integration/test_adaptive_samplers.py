"""Adaptive samplers in whole campaigns: async by default, history journaled, real kill -9
and resume ending with exactly the budget."""

from __future__ import annotations

import os
import signal
import time

import pandas as pd
import pytest
from campaign_configs import write_config
from processes import start_quiet_run as start
from test_resume import assert_each_run_once, finished_before

from enchanted_surrogates.journal import read_journal

pytestmark = [pytest.mark.integration, pytest.mark.slow]

BUDGET = 36
SAMPLERS = {
    "active_learning": {"type": "ActiveLearningSampler", "query_strategy": "alc"},
    "bayesian_optimization": {"type": "BayesianOptimizationSampler", "direction": "maximize"},
}


def config(base, sampler: dict, sleep: float) -> dict:
    return {
        "executors": {"e": {"type": "LocalExecutor", "max_workers": 2}},
        "samplers": {
            "s": {
                **sampler,
                "parameters": ["x", "y"],
                "bounds": [[0.0, 1.0], [0.0, 1.0]],
                "budget": BUDGET,
                "seed": 11,
                "initial_samples": 8,
            }
        },
        "runners": {"r": {"type": "es_test_plugins:CountingRunner", "sleep": sleep}},
        "supervisor": {
            "base_run_dir": str(base),
            "run_order": [{"sampler": "s", "executor": "e", "runner": "r"}],
        },
    }


def events(base) -> list[dict]:
    journal = base / "journal.jsonl"
    return list(read_journal(journal)) if journal.exists() else []


def finished(base) -> int:
    return sum(e["event"] == "finished" for e in events(base))


@pytest.mark.parametrize("kind", sorted(SAMPLERS))
def test_kill_9_after_the_model_took_over_then_resume_ends_with_the_budget(tmp_path, cli_env, kind):
    base = tmp_path / "camp"
    path = write_config(tmp_path / "c.yaml", config(base, SAMPLERS[kind], sleep=0.15))
    process = start(path, cli_env)
    deadline = time.monotonic() + 120
    while finished(base) < 14 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    before = finished_before(base)
    assert 14 <= len(before) < BUDGET, "the kill should land mid-campaign"

    done = start(path, cli_env, "--resume")
    _, err = done.communicate(timeout=240)
    assert done.returncode == 0, err
    df = pd.read_csv(base / "enchanted_dataset.csv")
    assert len(df) == BUDGET and (df["status"] == "SUCCESS").all()
    assert df["run_dir"].is_unique and not df.duplicated(["x", "y"]).any()
    by_dir = df.set_index("run_dir")
    for run_dir, row in before.items():
        assert by_dir.loc[run_dir, "x"] == pytest.approx(row["x"])
    assert_each_run_once(base)
    # the resumed sampler refitted on the journal's results before choosing again
    log = events(base)
    resumed_at = next(i for i, e in enumerate(log) if e["event"] == "campaign_resumed")
    history = [e for e in log[resumed_at:] if e["event"] == "sampler_history"]
    assert history and history[0]["successes"] >= len(before)
    assert history[0]["fit"] == "full"


def test_auto_mode_runs_adaptive_samplers_async_and_journals_their_history(tmp_path, enchanted):
    base = tmp_path / "camp"
    sampler = {**SAMPLERS["active_learning"], "query_strategy": "igs"}
    path = write_config(tmp_path / "c.yaml", config(base, sampler, sleep=0.0))
    done = enchanted("run", path, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    log = events(base)
    assert next(e for e in log if e["event"] == "level_started")["mode"] == "async"
    history = [e for e in log if e["event"] == "sampler_history"]
    assert history[0]["fit"] == "full" and history[-1]["successes"] >= BUDGET - 4
    assert any("rmse_next" in e for e in history)
    assert len(pd.read_csv(base / "enchanted_dataset.csv")) == BUDGET
    assert "sampler model" in (base / "logs" / "main.log").read_text()
