"""LatinHypercubeSampler: one design over the whole budget, served in order."""

import math

import pytest
from pydantic import ValidationError

from enchanted_surrogates.samplers.latin_hypercube import LatinHypercubeSampler

BOUNDS = [[0.0, 1.0], [10.0, 20.0], [-3.0, 3.0]]


def make(**overrides):
    config = {"parameters": ["a", "b", "c"], "bounds": BOUNDS, "budget": 10, "seed": 7}
    config.update(overrides)
    return LatinHypercubeSampler(**config)


def ask_in_batches(sampler, size):
    points = []
    while batch := sampler.ask(size):
        points.extend(batch)
    return points


@pytest.mark.parametrize("optimization", [None, "random-cd"])
def test_one_point_per_stratum_over_whole_budget_when_asked_in_batches(optimization):
    points = ask_in_batches(make(optimization=optimization), 3)
    assert len(points) == 10
    for name, (low, high) in zip(["a", "b", "c"], BOUNDS):
        strata = sorted(math.floor((p[name] - low) / (high - low) * 10) for p in points)
        assert strata == list(range(10))


def test_budget_counts_and_clipping():
    sampler = make()
    assert len(sampler.ask(7)) == 7
    assert len(sampler.ask(7)) == 3
    assert not sampler.has_budget
    assert sampler.ask(1) == []


def test_values_within_bounds_and_plain_floats():
    for point in make(budget=50).ask(50):
        for name, (low, high) in zip(["a", "b", "c"], BOUNDS):
            assert low <= point[name] <= high
            assert type(point[name]) is float


def test_same_seed_same_points_different_seed_different_points():
    assert make().ask(10) == make().ask(10)
    assert make().ask(10) != make(seed=8).ask(10)


def test_chunk_independent():
    sampler = make()
    assert sampler.ask(3) + sampler.ask(5) == make().ask(8)


def test_unscrambled_points_sit_at_stratum_centres():
    points = make(parameters=["a"], bounds=[[0.0, 1.0]], scramble=False).ask(10)
    assert sorted(p["a"] for p in points) == pytest.approx([(i + 0.5) / 10 for i in range(10)])


def test_fixed_parameter_allowed():
    points = make(bounds=[[0.0, 1.0], [2.0, 2.0], [-1.0, 1.0]]).ask(10)
    assert {p["b"] for p in points} == {2.0}


def test_seed_drawn_once_and_recorded():
    sampler = make(seed=None)
    assert isinstance(sampler.seed, int)
    assert LatinHypercubeSampler(**sampler.config.model_dump()).ask(10) == sampler.ask(10)


def test_legacy_get_next_samples_uses_batch_size():
    sampler = make(batch_size=4)
    assert len(sampler.get_next_samples()) == 4
    assert sampler.submitted == 4


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"bounds": [[0.0, 1.0]]}, "3 parameters but 1 bounds"),
        ({"bounds": [[0.0, 1.0], [20.0, 10.0], [0.0, 1.0]]}, "lower bound"),
        ({"budjet": 3}, "Extra inputs"),
        ({"budget": -1}, "greater than 0"),
        ({"budget": None}, "budget"),
        ({"optimization": "annealing"}, "random-cd"),
        ({"parameters": ["a"], "bounds": [[0.0, 1.0]], "optimization": "lloyd"}, "lloyd"),
    ],
)
def test_config_errors(overrides, message):
    with pytest.raises(ValidationError, match=message):
        make(**overrides)
