"""BayesianOptimizationSampler and its acquisition functions."""

import numpy as np
import pytest
from pydantic import ValidationError

from enchanted_surrogates.runners.synthetic_double_gaussian_runner import (
    SyntheticDoubleGaussianRunner,
)
from enchanted_surrogates.samplers.acquisition import (
    expected_improvement,
    log_expected_improvement,
)
from enchanted_surrogates.samplers.bayesian_optimization import BayesianOptimizationSampler

DG = SyntheticDoubleGaussianRunner(dimensions=2)


def dg(point):
    return DG._evaluate(point["x"], point["y"])


def make(**overrides):
    config = {
        "parameters": ["x", "y"],
        "bounds": [[0.0, 1.0], [0.0, 1.0]],
        "budget": 30,
        "seed": 4,
        "direction": "maximize",
    }
    config.update(overrides)
    return BayesianOptimizationSampler(**config)


def drive(sampler, f, per_ask=1):
    asked = []
    while sampler.has_budget:
        points = sampler.ask(per_ask)
        asked += points
        sampler.tell([{**p, "output": f(p), "success": True} for p in points])
    return asked


@pytest.mark.parametrize("acquisition", ["log_ei", "ei", "ucb", "pi"])
def test_improves_on_its_initial_design(acquisition):
    sampler = make(acquisition=acquisition)
    values = [dg(p) for p in drive(sampler, dg)]
    start = sampler.initial_samples
    assert max(values[start:]) > max(values[:start])
    assert max(values) > 0.9  # both hills top 1.0 (the higher one 1.09, at (0.3, 0.3))
    assert sampler.best == max(values)
    assert sampler.history[-1]["best"] <= sampler.best  # recorded at the last ask


def test_minimize_looks_for_the_smallest_value():
    sampler = make(direction="minimize", budget=25)
    values = [dg(p) for p in drive(sampler, dg)]
    assert sampler.best == min(values)
    assert min(values[sampler.initial_samples :]) <= min(values[: sampler.initial_samples])


def test_seeded_and_deterministic():
    assert drive(make(budget=16), dg, 2) == drive(make(budget=16), dg, 2)


@pytest.mark.parametrize("batch_strategy", ["kriging_believer", "constant_liar"])
def test_a_batch_is_spread_out(batch_strategy):
    sampler = make(budget=40, batch_strategy=batch_strategy)
    sampler.tell([{**p, "output": dg(p), "success": True} for p in sampler.ask(10)])
    batch = np.array([[p["x"], p["y"]] for p in sampler.ask(6)])
    gaps = np.linalg.norm(batch[:, None] - batch[None], axis=-1)[np.triu_indices(6, 1)]
    assert gaps.min() > 0.01


def test_random_fraction_one_half_still_finds_the_hill():
    sampler = make(random_fraction=0.5, budget=40)
    assert max(dg(p) for p in drive(sampler, dg)) > 0.9


def test_log_ei_is_the_log_of_ei_and_stays_finite_far_away():
    mean = np.array([0.0, 1.0, 3.0, 40.0, 1e4])
    std = np.ones(5)
    ei = expected_improvement(mean, std, best=0.5)
    log_ei = log_expected_improvement(mean, std, best=0.5)
    assert np.allclose(log_ei[:3], np.log(ei[:3]))
    assert ei[3] == 0.0 and np.isfinite(log_ei).all()
    assert (np.diff(log_ei) < 0).all()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"acquisition": "expected_improvement"}, "choose one of ei, log_ei, ucb, pi"),
        ({"acquisition": "logei"}, "did you mean 'log_ei'"),
        ({"batch_strategy": "kriging"}, "did you mean 'kriging_believer'"),
        ({"random_fraction": 1.0}, "less than 1"),
        ({"direction": "up"}, "minimize"),
    ],
)
def test_config_errors(options, message):
    with pytest.raises(ValidationError, match=message):
        make(**options)
