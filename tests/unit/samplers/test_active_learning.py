"""ActiveLearningSampler: seeded, budget-true, spreads batches, avoids failures, learns."""

import math
import sys

import numpy as np
import pytest
from pydantic import ValidationError

from enchanted_surrogates.config.errors import ConfigError
from enchanted_surrogates.config.spec import load_spec
from enchanted_surrogates.samplers.active_learning import ActiveLearningSampler


def make(**overrides):
    config = {"parameters": ["x", "y"], "bounds": [[0.0, 1.0], [0.0, 1.0]], "budget": 30}
    config.update({"seed": 5, **overrides})
    return ActiveLearningSampler(**config)


def step(point):
    """Flat except for a steep rise around x = 0.7: the only place worth sampling densely."""
    return math.tanh(40 * (point["x"] - 0.7))


def drive(sampler, f, per_ask=2, fail=lambda p: False):
    """Ask and tell until the budget is spent; return every point asked, in order."""
    asked = []
    while sampler.has_budget:
        points = sampler.ask(per_ask)
        asked += points
        sampler.tell(
            [{**p, "output": f(p), "success": not fail(p), "status": "SUCCESS"} for p in points]
        )
    return asked


@pytest.mark.parametrize("strategy", ["alc", "variance", "qbc", "gsx", "gsy", "igs"])
def test_same_seed_and_results_give_the_same_points(strategy):
    first = drive(make(query_strategy=strategy, budget=20), step)
    assert drive(make(query_strategy=strategy, budget=20), step) == first
    assert len(first) == 20
    assert all(0.0 <= p["x"] <= 1.0 and 0.0 <= p["y"] <= 1.0 for p in first)
    assert first != drive(make(query_strategy=strategy, budget=20, seed=6), step)


def test_starts_with_the_space_filling_design_then_never_exceeds_the_budget():
    sampler = make(initial_samples=8)
    assert len(sampler.ask(8)) == 8 and not sampler.history  # no model needed yet
    assert len(sampler.ask(100)) == 22
    assert sampler.ask(1) == [] and not sampler.has_budget


@pytest.mark.parametrize("strategy", ["igs", "gsy", "qbc"])
def test_output_aware_strategies_concentrate_where_the_function_varies(strategy):
    sampler = ActiveLearningSampler(
        parameters=["x"], bounds=[[0.0, 1.0]], budget=40, seed=2, query_strategy=strategy
    )
    adaptive = drive(sampler, step)[sampler.initial_samples :]
    near_step = np.mean([0.6 <= p["x"] <= 0.8 for p in adaptive])
    assert near_step > 0.3  # a uniform design puts 20% there


def test_a_batch_holds_no_near_duplicates():
    sampler = make(budget=40, initial_samples=10)
    sampler.tell([{**p, "output": step(p), "success": True} for p in sampler.ask(10)])
    batch = np.array([[p["x"], p["y"]] for p in sampler.ask(8)])
    gaps = np.linalg.norm(batch[:, None] - batch[None], axis=-1)[np.triu_indices(8, 1)]
    assert gaps.min() > 0.05


def test_failed_points_are_remembered_and_not_asked_again():
    failing = lambda p: p["x"] > 0.5  # noqa: E731
    sampler = make(budget=60, query_strategy="variance")
    asked = drive(sampler, step, fail=failing)
    failed = np.array([[p["x"], p["y"]] for p in asked if failing(p)])
    assert len(sampler._failed) == len(failed)
    # variance is highest where no result ever arrives; remembered failures keep it in check
    assert len(failed) < 0.75 * len(asked)
    gaps = np.linalg.norm(failed[:, None] - failed[None], axis=-1)[np.triu_indices(len(failed), 1)]
    assert gaps.min() > 0.01


def test_history_records_model_quality_per_refit():
    sampler = make(budget=40, refit_every=5)
    drive(sampler, step)
    assert sampler.history
    fits = [entry["fit"] for entry in sampler.history]
    assert fits[0] == "full" and "cheap" in fits
    assert all("rmse_next" in entry for entry in sampler.history[1:])
    assert sampler.history[-1]["successes"] <= 40


def test_restore_treats_recorded_points_as_pending_and_learns_their_results():
    original = make(budget=30)
    asked = drive(original, step)[:20]
    results = [{**p, "output": step(p), "success": True} for p in asked[:18]]
    restored = make(budget=30)
    restored.restore(asked, results)
    assert restored.submitted == 20 and len(restored._pending) == 2
    assert len(restored.xy[1]) == 18
    assert len(restored.ask(10)) == 10


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"query_strategy": "vraiance"}, "did you mean 'variance'"),
        ({"query_strategy": "bald"}, "choose one of"),
        ({"model": "forest"}, "choose one of gp, ensemble"),
        ({"model": "ensemble", "query_strategy": "alc"}, "alc needs model: gp"),
    ],
)
def test_config_errors_name_the_choices(options, message):
    with pytest.raises(ValidationError, match=message):
        make(**options)


def test_unknown_strategy_is_one_config_line_with_the_key_path(tmp_path):
    config = {
        "executors": {"e": {"type": "LocalExecutor"}},
        "samplers": {
            "al": {
                "type": "active_learning_sampler",
                "parameters": ["x"],
                "bounds": [[0, 1]],
                "budget": 4,
                "query_strategy": "igx",
            }
        },
        "runners": {"r": {"type": "SyntheticDoubleGaussianRunner"}},
        "supervisor": {
            "base_run_dir": str(tmp_path / "run"),
            "run_order": [{"sampler": "al", "executor": "e", "runner": "r"}],
        },
    }
    with pytest.raises(ConfigError) as caught:
        load_spec(config)
    assert caught.value.lines() == [
        "<dict>: samplers.al.query_strategy: unknown query strategy 'igx'; did you mean 'igs'?"
    ]


def test_ensemble_model_learns_too():
    sampler = make(model="ensemble", budget=30)
    drive(sampler, step)
    assert sampler.strategy == "variance" and sampler.history


@pytest.mark.parametrize(
    "strategy", ["skactiveml:GreedySamplingTarget", "skactiveml:ExpectedModelChangeMaximization"]
)
def test_scikit_activeml_strategies_when_installed(strategy):
    pytest.importorskip("skactiveml")
    first = drive(make(query_strategy=strategy, budget=20), step)
    assert len(first) == 20 and drive(make(query_strategy=strategy, budget=20), step) == first


def test_scikit_activeml_missing_is_a_config_error_naming_the_package(monkeypatch):
    monkeypatch.setitem(sys.modules, "skactiveml.pool", None)  # import now fails
    with pytest.raises(ValidationError, match="needs the optional package scikit-activeml"):
        make(query_strategy="skactiveml:GreedySamplingTarget")
    with pytest.raises(ValidationError, match="did you mean 'GreedySamplingTarget'"):
        make(query_strategy="skactiveml:GreedySampling")
