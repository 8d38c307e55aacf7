"""Where this project deliberately differs from the original, one switch restores the
original's behaviour: extending one level only (`budget: 0`) and failed sequential stages."""

from __future__ import annotations

import pandas as pd
import pytest

import enchanted_surrogates

pytestmark = pytest.mark.integration


def _grid(name: str, n: int) -> dict:
    return {"type": "GridSampler", "parameters": [name], "bounds": [[0, 1]], "num_samples": n}


def _random(name: str, budget: int, seed: int) -> dict:
    return {
        "type": "RandomSampler",
        "parameters": [name],
        "bounds": [[0, 1]],
        "budget": budget,
        "seed": seed,
    }


def _nested(base, s0_budget: int, s1_budget: int) -> dict:
    return {
        "executors": {"e1": {"type": "LocalExecutor", "max_workers": 2}},
        "samplers": {"s0": _random("x", s0_budget, 1), "s1": _random("y", s1_budget, 2)},
        "runners": {"r": {"type": "SumRunner", "params_to_sum": ["x", "y"]}},
        "supervisor": {
            "base_run_dir": str(base),
            "run_order": [
                {"executor": "e1", "sampler": "s0", "runner": "r"},
                {"executor": "e1", "sampler": "s1", "runner": "r"},
            ],
        },
    }


def test_budget_0_under_extend_adds_no_points_at_that_level(tmp_path):
    base = tmp_path / "c"
    first = enchanted_surrogates.run(_nested(base, 2, 2))
    assert first.groupby("level").size().to_dict() == {0: 2, 1: 4}
    extended = enchanted_surrogates.run(_nested(base, 0, 1), run_mode="extend")
    counts = extended.groupby("level").size().to_dict()
    assert counts[0] == 2 and counts[1] > 4  # only the deeper level grew
    assert sorted(extended[extended["level"] == 0]["x"]) == sorted(first[first["level"] == 0]["x"])


def test_budget_0_is_still_refused_for_a_fresh_campaign(tmp_path):
    with pytest.raises(enchanted_surrogates.ConfigError) as info:
        enchanted_surrogates.load_spec(_nested(tmp_path / "c", 0, 1))
    assert any("samplers.s0.budget" in line for line in info.value.lines())


def _sequential(base, **supervisor) -> dict:
    return {
        "executors": {"e1": {"type": "LocalExecutor", "max_workers": 2}},
        "samplers": {"s": _grid("x", 5)},
        "runners": {
            "a": {"type": "es_test_plugins:RaisingRunner", "threshold": 0.5},
            "b": {"type": "SumRunner", "params_to_sum": ["x"]},
        },
        "supervisor": {
            "base_run_dir": str(base),
            "run_order": [{"executor": ["e1", "e1"], "sampler": "s", "runner": ["a", "b"]}],
            **supervisor,
        },
    }


def test_a_failed_stage_ends_its_chain_by_default(tmp_path):
    base = tmp_path / "c"
    df = enchanted_surrogates.run(_sequential(base))
    assert len(df) == 5
    failed = df[df["x"] > 0.5]
    assert len(failed) == 2 and not failed["success_a"].any()
    assert failed["success_b"].isna().all()
    assert len(list((base / "data").glob("*_r1"))) == 3


def test_sequential_failed_stages_continue_runs_the_next_stage_as_the_original(tmp_path):
    base = tmp_path / "c"
    df = enchanted_surrogates.run(_sequential(base, sequential_failed_stages="continue"))
    assert len(df) == 5
    failed = df[df["x"] > 0.5]
    assert not failed["success_a"].any() and failed["success_b"].astype(bool).all()
    assert len(list((base / "data").glob("*_r1"))) == 5
    assert pd.Series(df["success"]).astype(bool).all()  # the last stage decides, as before
