"""GridSampler: exact linspace values, product order, budget clipping, config errors."""

import itertools

import numpy as np
import pytest
from pydantic import ValidationError

from enchanted_surrogates.samplers.grid import GridSampler


def make(**overrides):
    config = {"parameters": ["a", "b"], "bounds": [[0.0, 1.0], [-2.0, 2.0]], "num_samples": 3}
    config.update(overrides)
    return GridSampler(**config)


def test_exact_values_in_product_order():
    points = make(num_samples=[2, 3]).ask(100)
    expected = [
        {"a": a, "b": b} for a, b in itertools.product(np.linspace(0, 1, 2), np.linspace(-2, 2, 3))
    ]
    assert points == expected
    assert points[:3] == [{"a": 0.0, "b": -2.0}, {"a": 0.0, "b": 0.0}, {"a": 0.0, "b": 2.0}]


def test_budget_is_grid_size_and_runs_out():
    sampler = make()
    assert sampler.budget == 9
    assert len(sampler.ask(5)) == 5
    assert len(sampler.ask(5)) == 4
    assert not sampler.has_budget
    assert sampler.ask(5) == []


def test_budget_clips_to_first_points():
    full = make().ask(9)
    clipped = make(budget=4)
    assert clipped.budget == 4
    assert clipped.ask(100) == full[:4]
    assert "first 4 of 9" in clipped.describe()


def test_budget_above_grid_size_runs_grid_once():
    assert make(budget=50).budget == 9


def test_chunk_independent():
    sampler = make()
    assert sampler.ask(3) + sampler.ask(5) == make().ask(8)


def test_values_are_plain_floats():
    for point in make().ask(9):
        assert all(type(v) is float for v in point.values())


def test_single_point_axis_is_low_bound():
    assert make(num_samples=[1, 2]).ask(10) == [{"a": 0.0, "b": -2.0}, {"a": 0.0, "b": 2.0}]


def test_legacy_get_next_samples_uses_batch_size():
    sampler = make(batch_size=4)
    assert len(sampler.get_next_samples()) == 4
    assert sampler.submitted == 4
    assert len(sampler.get_next_samples()) == 4
    assert len(sampler.get_next_samples()) == 1
    assert sampler.submitted == 9


def test_batch_size_defaults_to_budget():
    assert make().batch_size == 9


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"bounds": [[0.0, 1.0]]}, "2 parameters but 1 bounds"),
        ({"bounds": [[1.0, 0.0], [0.0, 1.0]]}, "lower bound"),
        ({"num_samples": [2, 3, 4]}, "2 parameters but 3 entries"),
        ({"num_samples": [2, 0]}, "greater than 0"),
        ({"num_samples": 1001}, "1,002,001 points"),
        ({"budjet": 3}, "Extra inputs"),
        ({"budget": -1}, "greater than 0"),
        ({"bounds": None}, "bounds"),
    ],
)
def test_config_errors(overrides, message):
    with pytest.raises(ValidationError, match=message):
        make(**overrides)


def test_num_samples_required():
    with pytest.raises(ValidationError, match="num_samples"):
        GridSampler(parameters=["a"], bounds=[[0.0, 1.0]])
