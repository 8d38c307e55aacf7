"""Nested levels and sequential stages, with real runs: counts, values, failures, order."""

from __future__ import annotations

import json
import os
import shutil

import pandas as pd
import pytest
import yaml
from campaign_configs import write_config

import enchanted_surrogates
from conftest import REPO
from enchanted_surrogates import ConfigError

pytestmark = pytest.mark.integration


def _random(params, budget, seed=1, **extra):
    return {
        "type": "RandomSampler",
        "parameters": params,
        "bounds": [[0.0, 1.0]] * len(params),
        "budget": budget,
        "seed": seed,
        **extra,
    }


def _config(base, samplers, runners, run_order, executors=None, **supervisor):
    return {
        "executors": executors or {"e1": {"type": "LocalExecutor", "max_workers": 2}},
        "samplers": samplers,
        "runners": runners,
        "supervisor": {"base_run_dir": str(base), "run_order": run_order, **supervisor},
    }


def _journal(base):
    return [json.loads(line) for line in (base / "journal.jsonl").read_text().splitlines()]


@pytest.mark.parametrize(("a", "b"), [(3, 2), (4, 5)])
def test_two_levels_give_a_times_b_rows_and_a_plus_ab_run_dirs(tmp_path, a, b):
    base = tmp_path / "c"
    config = _config(
        base,
        {"s0": _random(["x"], a), "s1": _random(["y"], b, seed=2)},
        {
            "sum": {"type": "SumRunner", "params_to_sum": ["x"]},
            "reader": {"type": "es_test_plugins:ParentReaderRunner"},
        },
        [
            {"sampler": "s0", "executor": "e1", "runner": "sum"},
            {"sampler": "s1", "executor": "e1", "runner": "reader"},
        ],
    )
    df = enchanted_surrogates.run(config)
    assert df.groupby("level").size().to_dict() == {0: a, 1: a * b}
    assert len(os.listdir(base / "data")) == a + a * b
    deepest = df[df["level"] == 1]
    # each child saw its parent's parameters, outputs and run directory
    assert deepest["x"].nunique() == a and deepest["y"].nunique() == b
    assert (deepest["output"] == deepest["x"]).all()
    parents = df[df["level"] == 0].set_index("x")["run_dir"]
    assert (deepest["parent_dir"] == deepest["x"].map(parents)).all()
    assert deepest["parent_readable"].all()
    assert deepest["run_dir"].str.contains(r"/d1_b0_s\d+_r0$").all()
    # the original's file meanings: the deepest level, and the parents it fanned out of
    deepest_file = pd.read_csv(base / "enchanted_dataset.csv")
    assert len(deepest_file) == a * b and (deepest_file["level"] == 1).all()
    last = pd.read_csv(base / "last_complete_enchanted_dataset.csv")
    assert len(last) == a and (last["level"] == 0).all()
    assert len(pd.read_csv(base / "enchanted_all_levels_dataset.csv")) == a + a * b
    assert df.columns[-1] == "run_dir"


def test_three_levels_reuse_one_executor_and_give_b1_b2_b3_rows(tmp_path):
    base = tmp_path / "c"
    config = _config(
        base,
        {"s0": _random(["x"], 2), "s1": _random(["y"], 3, seed=2), "s2": _random(["z"], 2, seed=3)},
        {"pid": {"type": "es_test_plugins:PidRunner"}},
        [{"sampler": s, "executor": "e1", "runner": "pid"} for s in ("s0", "s1", "s2")],
    )
    df = enchanted_surrogates.run(config)
    assert df.groupby("level").size().to_dict() == {0: 2, 1: 6, 2: 12}
    # one pool for all levels: every level ran on the same worker processes,
    # and each process built the runner once
    pids = {level: set(group["pid"]) for level, group in df.groupby("level")}
    assert pids[2] <= pids[0] | pids[1] and len(pids[0] | pids[1] | pids[2]) <= 2
    assert set(df["builds"]) == {1}
    events = _journal(base)
    assert [e["level"] for e in events if e["event"] == "level_finished"] == [0, 1, 2]


def test_sequential_sum_chain_gives_exact_sums(tmp_path):
    base = tmp_path / "c"
    config = yaml.safe_load((REPO / "examples" / "sequential.yaml").read_text())
    config["supervisor"]["base_run_dir"] = str(base)
    df = enchanted_surrogates.run(config)
    assert len(df) == 4
    assert sorted(df["output"]) == [-15.0, -12.0, 15.0, 18.0]
    assert (df["output"] == 3 * (df["c1"] + df["c2"])).all()
    for stage in (1, 2, 3):
        assert df[f"success_code{stage}_runner"].all()
        assert (df[f"runtime_sec_code{stage}_runner"] >= 0).all()
    assert (df["status"] == "SUCCESS").all() and "level" not in df.columns
    names = sorted(os.listdir(base / "data"))
    assert names == sorted(f"d0_b0_s{s}_r{r}" for s in range(4) for r in range(3))


def test_nested_levels_of_sequential_stages(tmp_path):
    base = tmp_path / "c"
    runners = {
        "a": {"type": "SumRunner", "params_to_sum": ["x"]},
        "b": {"type": "SumRunner", "params_to_sum": ["output", "x"]},
        "c": {"type": "SumRunner", "params_to_sum": ["output", "y"]},
        "d": {"type": "SumRunner", "params_to_sum": ["output", "y"]},
    }
    config = _config(
        base,
        {"s0": _random(["x"], 3), "s1": _random(["y"], 2, seed=5)},
        runners,
        [
            {"sampler": "s0", "executor": ["e1", "e2"], "runner": ["a", "b"]},
            {"sampler": "s1", "executor": ["e2", "e1"], "runner": ["c", "d"]},
        ],
        executors={
            "e1": {"type": "LocalExecutor", "max_workers": 1},
            "e2": {"type": "LocalExecutor", "max_workers": 1},
        },
    )
    df = enchanted_surrogates.run(config)
    top, deep = df[df["level"] == 0], df[df["level"] == 1]
    assert len(top) == 3 and len(deep) == 6
    assert ((top["output"] - 2 * top["x"]).abs() < 1e-12).all()
    assert ((deep["output"] - (2 * deep["x"] + 2 * deep["y"])).abs() < 1e-12).all()
    for name in "abcd":
        assert deep[f"success_{name}"].all()


def test_a_failing_stage_ends_only_its_chains(tmp_path):
    base = tmp_path / "c"
    config = _config(
        base,
        {"s0": _random(["x"], 12, seed=7)},
        {
            "first": {"type": "SumRunner", "params_to_sum": ["x"]},
            "second": {"type": "es_test_plugins:RaisingRunner", "threshold": 0.5},
            "third": {"type": "SumRunner", "params_to_sum": ["output", "x"]},
        },
        [{"sampler": "s0", "executor": ["e1", "e1", "e1"], "runner": ["first", "second", "third"]}],
        stop_if_first_runs_fail=0,  # the first chains to end may all be failed ones
    )
    df = enchanted_surrogates.run(config)
    assert len(df) == 12
    failed, ok = df[df["x"] > 0.5], df[df["x"] <= 0.5]
    assert 0 < len(failed) < 12
    assert (failed["status"] == "FAILED").all() and not failed["success"].any()
    assert failed["error"].str.startswith("ValueError: boom at x=").all()
    assert failed["success_first"].all() and not failed["success_second"].any()
    assert failed["success_third"].isna().all() and failed["runtime_sec_third"].isna().all()
    assert failed["run_dir"].str.endswith("_r1").all()
    for run_dir in failed["run_dir"]:
        assert not os.path.exists(run_dir[:-1] + "2")  # the third stage never ran
    assert (ok["status"] == "SUCCESS").all() and ok["success_third"].all()
    assert ((ok["output"] - 3 * ok["x"]).abs() < 1e-12).all()


@pytest.mark.parametrize(("policy", "expected_children"), [("skip", "ok"), ("include", "all")])
def test_failed_parents_fan_out_only_when_asked(tmp_path, policy, expected_children):
    base = tmp_path / "c"
    config = _config(
        base,
        {"s0": _random(["x"], 8, seed=11), "s1": _random(["y"], 2, seed=3)},
        {
            "risky": {"type": "es_test_plugins:RaisingRunner", "threshold": 0.5},
            "sum": {"type": "SumRunner", "params_to_sum": ["y"]},
        },
        [
            {"sampler": "s0", "executor": "e1", "runner": "risky"},
            {"sampler": "s1", "executor": "e1", "runner": "sum"},
        ],
        nested_failed_parents=policy,
    )
    df = enchanted_surrogates.run(config)
    top = df[df["level"] == 0]
    good = int(top["success"].sum())
    assert 0 < good < 8
    parents = good if expected_children == "ok" else 8
    assert (df["level"] == 1).sum() == parents * 2


def test_next_stage_starts_before_the_batch_finishes(tmp_path):
    base = tmp_path / "c"
    sampler = {
        "type": "ArraySampler",
        "parameters": ["sleep"],
        "values": [[1.5, 0.0, 0.0, 0.0]],
        "batch_size": 4,
    }
    config = _config(
        base,
        {"s0": sampler},
        {
            "one": {"type": "es_test_plugins:SleepRunner"},
            "two": {"type": "es_test_plugins:SleepRunner"},
        },
        [{"sampler": "s0", "executor": ["e1", "e1"], "runner": ["one", "two"]}],
        mode="batch",
    )
    enchanted_surrogates.run(config)
    order = [(e["event"], e.get("run_id")) for e in _journal(base)]
    slow_first_stage_done = order.index(("finished", "d0_b0_s0_r0"))
    assert order.index(("submitted", "d0_b0_s1_r1")) < slow_first_stage_done
    assert order.index(("finished", "d0_b0_s1_r1")) < slow_first_stage_done


def test_stage_list_mismatch_and_empty_list_are_config_errors(tmp_path):
    base = tmp_path / "c"
    config = _config(
        base,
        {"s0": _random(["x"], 2)},
        {"a": {"type": "SumRunner", "params_to_sum": ["x"]}},
        [{"sampler": "s0", "executor": ["e1", "e1"], "runner": ["a"]}],
    )
    with pytest.raises(ConfigError) as info:
        enchanted_surrogates.run(config)
    assert "supervisor.run_order[0].runner: 1 runners but 2 executors" in str(info.value)
    config["supervisor"]["run_order"] = [{"sampler": "s0", "executor": [], "runner": []}]
    with pytest.raises(ConfigError) as info:
        enchanted_surrogates.run(config)
    assert "supervisor.run_order[0].executor: the list is empty" in str(info.value)
    assert not base.exists()


ORIGINAL_NESTED = """
executors:
  ex1:
    type: LocalExecutor
  ex2:
    type: LocalExecutor
samplers:
  samp1:
    type: RandomSampler
    bounds: [[0.0, 1.0], [0.0, 10.0]]
    budget: 4
    parameters: ['c1', 'c2']
  samp2:
    type: RandomSampler
    bounds: [[0.0, 1.0], [0.0, 10.0]]
    budget: 4
    parameters: ['c3', 'c4']
runners:
  runner1:
    type: ExampleRunner
    other_params: {}

supervisor:
  base_run_dir: "data_dir/local"
  run_order:
  - executor: ex1
    sampler: samp1
    runner: runner1
  - executor: ex1
    sampler: samp2
    runner: runner1
"""


@pytest.mark.parametrize("name", ["nested", "sequential"])
def test_original_nested_and_sequential_configs_run_unchanged(tmp_path, enchanted, name):
    if name == "nested":
        (tmp_path / "c.yaml").write_text(ORIGINAL_NESTED)
        expected = {0: 4, 1: 16}
    else:
        shutil.copy(REPO / "examples" / "sequential.yaml", tmp_path / "c.yaml")
        config = yaml.safe_load((tmp_path / "c.yaml").read_text())
        config["supervisor"]["base_run_dir"] = "data_dir/local"
        write_config(tmp_path / "c.yaml", config)
        expected = None
    done = enchanted("run", "c.yaml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    base = tmp_path / "data_dir" / "local"
    df = pd.read_csv(base / "enchanted_dataset.csv")
    assert (df["status"] == "SUCCESS").all()
    if expected:
        assert len(df) == expected[max(expected)]
        every = pd.read_csv(base / "enchanted_all_levels_dataset.csv")
        assert every.groupby("level").size().to_dict() == expected
    else:
        assert len(df) == 4


def test_examples_produce_the_documented_counts(tmp_path, enchanted):
    shutil.copy(REPO / "examples" / "nested.yaml", tmp_path / "nested.yaml")
    assert enchanted("run", "nested.yaml", cwd=tmp_path).returncode == 0
    df = pd.read_csv(tmp_path / "runs" / "nested" / "enchanted_all_levels_dataset.csv")
    assert df.groupby("level").size().to_dict() == {0: 4, 1: 16, 2: 64}
    assert sorted(df["output"].unique()) == [0.0, 1.0, 10.0, 11.0]
    assert (df["output"] == df["c1"] + df["c2"]).all()
    assert len(pd.read_csv(tmp_path / "runs/nested/enchanted_dataset.csv")) == 64
    assert len(pd.read_csv(tmp_path / "runs/nested/last_complete_enchanted_dataset.csv")) == 16
