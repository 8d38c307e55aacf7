"""ArraySampler: cartesian product of explicit lists, legacy `bounds:` spelling."""

import itertools

import pytest
from pydantic import ValidationError

from enchanted_surrogates.samplers.array import ArraySampler

LISTS = [[1, 2.5, 4], ["fast", "slow"]]


def make(**overrides):
    config = {"parameters": ["n", "mode"], "values": LISTS}
    config.update(overrides)
    return ArraySampler(**config)


def test_product_of_values_in_order():
    expected = [{"n": n, "mode": m} for n, m in itertools.product(*LISTS)]
    assert make().ask(100) == expected


def test_values_keep_their_types():
    points = make().ask(6)
    assert [type(p["n"]) for p in points[::2]] == [int, float, int]
    assert all(type(p["mode"]) is str for p in points)


def test_legacy_bounds_spelling_gives_same_points():
    legacy = ArraySampler(parameters=["n", "mode"], bounds=LISTS, num_samples=[3, 2])
    assert legacy.ask(6) == make().ask(6)
    assert legacy.config.values == LISTS


def test_budget_and_clipping():
    sampler = make()
    assert sampler.budget == 6
    assert len(sampler.ask(4)) == 4
    assert len(sampler.ask(4)) == 2
    assert not sampler.has_budget
    assert sampler.ask(1) == []
    assert make(budget=2).ask(10) == make().ask(2)


def test_chunk_independent():
    config = {"parameters": ["x", "y", "z"], "values": [[1, 2, 3], [4, 5, 6], [7, 8]]}
    sampler = ArraySampler(**config)
    assert sampler.ask(3) + sampler.ask(5) == ArraySampler(**config).ask(8)


def test_legacy_get_next_samples_uses_batch_size():
    sampler = make(batch_size=4)
    assert len(sampler.get_next_samples()) == 4
    assert sampler.submitted == 4


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"values": [[1, 2]]}, "2 parameters but 1 lists"),
        ({"values": [[1, 2], []]}, "empty list for 'mode'"),
        ({"values": None}, "one list of values per parameter is required"),
        ({"bounds": LISTS}, "not both"),
        ({"num_samples": [3, 2, 1]}, "2 parameters but 3 entries"),
        ({"num_samples": [3, 3]}, "3 for 'mode' but its list has 2"),
        ({"num_samples": 3}, "3 for 'mode'"),
        ({"budjet": 3}, "Extra inputs"),
        ({"budget": 0}, "greater than 0"),
    ],
)
def test_config_errors(overrides, message):
    with pytest.raises(ValidationError, match=message):
        make(**overrides)
