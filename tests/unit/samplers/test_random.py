"""RandomSampler: seeding, chunk independence, distributions, legacy alias, config errors."""

import statistics

import pytest
from pydantic import ValidationError

from enchanted_surrogates.samplers.random import RandomSampler


def make(**overrides):
    config = {
        "parameters": ["a", "b"],
        "bounds": [[0.0, 1.0], [-5.0, 5.0]],
        "budget": 20,
        "seed": 42,
    }
    config.update(overrides)
    return RandomSampler(**config)


def test_budget_counts_and_clipping():
    sampler = make(budget=10)
    assert len(sampler.ask(6)) == 6
    assert len(sampler.ask(6)) == 4
    assert not sampler.has_budget
    assert sampler.ask(3) == []


def test_uniform_values_within_bounds_and_plain_floats():
    for point in make(budget=500).ask(500):
        assert 0.0 <= point["a"] <= 1.0
        assert -5.0 <= point["b"] <= 5.0
        assert type(point["a"]) is float and type(point["b"]) is float


def test_same_seed_same_points_different_seed_different_points():
    assert make().ask(20) == make().ask(20)
    assert make().ask(20) != make(seed=43).ask(20)


def test_chunk_independent():
    sampler = make()
    assert sampler.ask(3) + sampler.ask(5) == make().ask(8)


def test_resumes_from_submitted():
    sampler = make()
    sampler.submitted = 5
    assert sampler.ask(3) == make().ask(8)[5:]


def test_seed_drawn_once_and_recorded():
    sampler = make(seed=None)
    assert isinstance(sampler.seed, int)
    assert sampler.config.seed == sampler.seed
    again = RandomSampler(**sampler.config.model_dump())
    assert again.ask(5) == sampler.ask(5)


def test_loguniform_spans_decades():
    points = make(parameters=["x"], bounds=[[1e-3, 1e3]], budget=2000, distribution="loguniform")
    values = [p["x"] for p in points.ask(2000)]
    assert all(1e-3 <= v <= 1e3 for v in values)
    below_one = sum(v < 1.0 for v in values) / len(values)
    assert 0.4 < below_one < 0.6


def test_normal_mean_and_sigma_from_bounds():
    sampler = make(parameters=["x"], bounds=[[4.0, 16.0]], budget=4000, distribution="normal")
    values = [p["x"] for p in sampler.ask(4000)]
    assert statistics.fmean(values) == pytest.approx(10.0, abs=0.1)
    assert statistics.stdev(values) == pytest.approx(2.0, rel=0.05)


def test_int_uniform_gives_every_integer_in_bounds():
    sampler = make(parameters=["k"], bounds=[[0.5, 4.2]], budget=400, distribution="int_uniform")
    values = [p["k"] for p in sampler.ask(400)]
    assert all(type(v) is int for v in values)
    assert set(values) == {1, 2, 3, 4}


def test_per_parameter_distributions():
    sampler = make(
        parameters=["u", "k"],
        bounds=[[0.0, 1.0], [1.0, 3.0]],
        distribution=["uniform", "int_uniform"],
    )
    for point in sampler.ask(20):
        assert type(point["u"]) is float
        assert point["k"] in (1, 2, 3)


def test_total_budget_is_deprecated_alias():
    with pytest.deprecated_call():
        sampler = RandomSampler(parameters=["a"], bounds=[[0.0, 1.0]], total_budget=7)
    assert sampler.budget == 7


def test_legacy_get_next_samples_uses_batch_size():
    sampler = make(batch_size=6)
    assert len(sampler.get_next_samples()) == 6
    assert sampler.submitted == 6


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"bounds": [[0.0, 1.0]]}, "2 parameters but 1 bounds"),
        ({"bounds": [[0.0, 1.0], [5.0, -5.0]]}, "lower bound 5.0 > upper bound -5.0"),
        ({"budjet": 3}, "Extra inputs"),
        ({"budget": -3}, "greater than 0"),
        ({"budget": None}, "budget"),
        ({"bounds": None}, "bounds"),
        ({"distribution": "gaussian"}, "unknown 'gaussian'"),
        ({"distribution": ["uniform"]}, "2 parameters but 1 distributions"),
        ({"distribution": "loguniform"}, "loguniform needs bounds > 0 for 'a'"),
        ({"distribution": "int_uniform", "bounds": [[0.1, 0.9], [0, 1]]}, "holds none"),
        ({"total_budget": 5}, "not both"),
    ],
)
def test_config_errors(overrides, message):
    with pytest.raises(ValidationError, match=message):
        make(**overrides)
