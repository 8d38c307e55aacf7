"""`enchanted analyse` on real campaigns of analytic functions with known indices."""

from __future__ import annotations

import json
import math
import os
import signal
import time

import pandas as pd
import pytest
from campaign_configs import write_config
from processes import start_quiet_run

from enchanted_surrogates.analysis import analyse, load_surrogate
from enchanted_surrogates.api import run
from enchanted_surrogates.journal import read_journal
from enchanted_surrogates.runners.analytic_functions import ishigami_indices

pytestmark = [pytest.mark.integration, pytest.mark.slow]

PI = [-math.pi, math.pi]
ISHIGAMI = {
    "type": "FunctionRunner",
    "function": "enchanted_surrogates.runners.analytic_functions:ishigami",
}


def ishigami_config(base, sampler, levels=1):
    samplers = {"s": {"parameters": ["x1", "x2", "x3"], "bounds": [PI] * 3, **sampler}}
    run_order = [{"sampler": "s", "executor": "e", "runner": "r"}]
    runners = {"r": ISHIGAMI}
    if levels == 2:
        samplers["t"] = {"type": "ArraySampler", "parameters": ["k"], "values": [[1, 2]]}
        runners["q"] = {"type": "SumRunner", "params_to_sum": ["x1", "k"]}
        run_order.append({"sampler": "t", "executor": "e", "runner": "q"})
    return {
        "executors": {"e": {"type": "LocalExecutor", "max_workers": 2}},
        "samplers": samplers,
        "runners": runners,
        "supervisor": {"base_run_dir": str(base), "run_order": run_order},
    }


def test_pce_from_256_runs_is_within_0_02_of_exact_ishigami_indices_over_5_seeds(tmp_path):
    exact = ishigami_indices()
    errors = {(p, k): [] for p in exact for k in ("S1", "ST")}
    for seed in range(5):
        base = tmp_path / f"pce{seed}"
        sampler = {
            "type": "PCESampler",
            "design": "regression",
            "order": 8,
            "budget": 256,
            "seed": seed,
        }
        run(ishigami_config(base, sampler))
        report = analyse(base, plots=False)
        (estimate,) = report["results"][0]["estimates"]
        assert estimate["runs_used"] == 256
        for (parameter, key), seen in errors.items():
            seen.append(abs(estimate["indices"][parameter][key] - exact[parameter][key]))
    for where, seen in errors.items():
        assert sum(seen) / len(seen) < 0.02, where


def test_saltelli_intervals_cover_the_exact_indices_at_1024_base_samples(tmp_path):
    base = tmp_path / "saltelli"
    run(ishigami_config(base, {"type": "SaltelliSampler", "base_samples": 1024, "seed": 11}))
    (estimate,) = analyse(base, plots=False)["results"][0]["estimates"]
    assert estimate["confidence_level"] == 0.95
    for parameter, exact in ishigami_indices().items():
        got = estimate["indices"][parameter]
        for key in ("S1", "ST"):
            assert abs(got[key] - exact[key]) <= got[f"{key}_conf"], (parameter, key)


def test_saltelli_at_level_0_of_a_nested_campaign_killed_and_resumed_analyses_the_same(
    tmp_path, cli_env
):
    sampler = {"type": "SaltelliSampler", "base_samples": 64, "seed": 4}
    clean = tmp_path / "clean"
    run(ishigami_config(clean, sampler, levels=2))

    base = tmp_path / "killed"
    path = write_config(tmp_path / "c.yaml", ishigami_config(base, sampler, levels=2))
    first = start_quiet_run(path, cli_env)
    deadline = time.monotonic() + 60
    journal = base / "journal.jsonl"
    while time.monotonic() < deadline:
        if journal.exists() and sum(e["event"] == "finished" for e in read_journal(journal)) > 20:
            break
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=30)
    finished = [e for e in read_journal(journal) if e["event"] == "finished"]
    assert 0 < len(finished) < 64 * 5 + 2 * 64 * 5  # it died mid-campaign
    done = start_quiet_run(path, cli_env, "--resume")
    _, err = done.communicate(timeout=240)
    assert done.returncode == 0, err

    want = analyse(clean, plots=False)["results"][0]["estimates"][0]["indices"]
    got = analyse(base, plots=False)["results"][0]["estimates"][0]["indices"]
    assert got == want


def test_cli_report_left_out_runs_surrogate_and_learning_curve(tmp_path, enchanted):
    base = tmp_path / "camp"
    config = ishigami_config(base, {"type": "SaltelliSampler", "base_samples": 32, "seed": 2})
    config["runners"]["r"]["function"] = "es_uq_functions:ishigami_failing_corner"
    path = write_config(tmp_path / "c.yaml", config)
    assert enchanted("run", path, cwd=tmp_path).returncode == 0
    failed = (pd.read_csv(base / "enchanted_dataset.csv")["status"] != "SUCCESS").sum()
    assert failed > 0
    done = enchanted(
        "analyse", base, "--surrogate", "gp", "--save-surrogate", cwd=tmp_path, timeout=300
    )
    assert done.returncode == 0, done.stderr
    report = json.loads((base / "analysis" / "report.json").read_text())
    result = report["results"][0]
    assert len(result["left_out"]) == failed
    assert "whole design blocks dropped" in result["effect_of_left_out"]
    methods = [e["method"] for e in result["estimates"]]
    assert methods == ["saltelli", "surrogate"]
    assert result["learning_curve"][-1]["runs"] == result["runs_used"]
    for name in ("indices.csv", "indices_output.png", "learning_curve_output.png"):
        assert (base / "analysis" / name).stat().st_size > 0
    table = pd.read_csv(base / "analysis" / "indices.csv")
    assert set(table["parameter"]) == {"x1", "x2", "x3"}
    surrogate = load_surrogate(base / "analysis" / "surrogate_output.pkl")
    ok = pd.read_csv(base / "enchanted_dataset.csv").query("status == 'SUCCESS'").head(5)
    assert surrogate.predict(ok) == pytest.approx(ok["output"].to_numpy(), abs=0.5)


def test_analyse_of_a_directory_without_journal_exits_2(tmp_path, enchanted):
    done = enchanted("analyse", tmp_path / "nothing", cwd=tmp_path)
    assert done.returncode == 2 and "no journal.jsonl" in done.stderr
    assert "Traceback" not in done.stderr
