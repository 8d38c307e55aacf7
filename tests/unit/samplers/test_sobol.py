"""SobolSequenceSampler: power-of-two warning, in-order sequence, seeding."""

import inspect
import warnings

import pytest
from pydantic import ValidationError

from enchanted_surrogates.samplers.sobol import SobolSequenceSampler

BOUNDS = [[0.0, 1.0], [100.0, 200.0]]


def make(**overrides):
    config = {"parameters": ["a", "b"], "bounds": BOUNDS, "budget": 64, "seed": 3}
    config.update(overrides)
    return SobolSequenceSampler(**config)


def test_warns_once_for_non_power_of_two_and_suggests_neighbours():
    with pytest.warns(UserWarning, match="power-of-two") as record:
        sampler = make(budget=100)
    assert len(record) == 1
    assert "64 or 128" in str(record[0].message)
    assert sampler.budget == 100
    assert len(sampler.ask(1000)) == 100


def test_no_warning_for_power_of_two():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        make(budget=64)


def test_budget_counts_and_clipping():
    sampler = make()
    assert len(sampler.ask(40)) == 40
    assert len(sampler.ask(40)) == 24
    assert not sampler.has_budget
    assert sampler.ask(1) == []


def test_values_within_bounds_and_plain_floats():
    for point in make().ask(64):
        assert 0.0 <= point["a"] <= 1.0
        assert 100.0 <= point["b"] <= 200.0
        assert type(point["a"]) is float and type(point["b"]) is float


def test_balanced_over_power_of_two():
    points = make().ask(64)
    for name, (low, high) in zip(["a", "b"], BOUNDS):
        halves = [(p[name] - low) / (high - low) < 0.5 for p in points]
        assert sum(halves) == 32


def test_same_seed_same_points_different_seed_different_points():
    assert make().ask(64) == make().ask(64)
    assert make().ask(64) != make(seed=4).ask(64)


def test_chunk_independent():
    sampler = make()
    assert sampler.ask(3) + sampler.ask(5) == make().ask(8)


def test_prefix_of_longer_sequence():
    assert make(budget=16).ask(16) == make(budget=64).ask(16)


def test_unscrambled_starts_at_low_corner():
    assert make(scramble=False).ask(1) == [{"a": 0.0, "b": 100.0}]


def test_seed_drawn_once_and_recorded():
    sampler = make(seed=None)
    assert isinstance(sampler.seed, int)
    assert SobolSequenceSampler(**sampler.config.model_dump()).ask(8) == sampler.ask(8)


def test_legacy_get_next_samples_uses_batch_size():
    sampler = make(batch_size=16)
    assert len(sampler.get_next_samples()) == 16
    assert sampler.submitted == 16


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"bounds": [[0.0, 1.0]]}, "2 parameters but 1 bounds"),
        ({"bounds": [[0.0, 1.0], [200.0, 100.0]]}, "lower bound"),
        ({"budjet": 3}, "Extra inputs"),
        ({"budget": -8}, "greater than 0"),
        ({"budget": None}, "budget"),
    ],
)
def test_config_errors(overrides, message):
    with pytest.raises(ValidationError, match=message):
        make(**overrides)


def _one_design(budget: int, seed: int, scramble: bool = True) -> list[list[float]]:
    """The reference: one Sobol design of `budget` points scaled to BOUNDS, flattened."""
    from scipy.stats import qmc

    keyword = "rng" if "rng" in inspect.signature(qmc.Sobol).parameters else "seed"
    engine = qmc.Sobol(d=2, scramble=scramble, **{keyword: seed})
    unit = engine.random_base2((budget - 1).bit_length())[:budget]
    return [x for u, v in unit for x in (float(u), 100.0 + 100.0 * float(v))]


@pytest.mark.parametrize("scramble", [True, False])
def test_points_asked_in_batches_or_after_a_restore_are_those_of_one_design(scramble):
    expected = _one_design(64, 3, scramble)
    sampler = make(scramble=scramble)
    batches = [sampler.ask(n) for n in (1, 7, 20, 36)]
    got = [x for batch in batches for p in batch for x in (p["a"], p["b"])]
    assert got == pytest.approx(expected, abs=1e-12)
    restored = make(scramble=scramble)
    restored.restore([{}] * 40, [])
    rest = [x for p in restored.ask(24) for x in (p["a"], p["b"])]
    assert rest == pytest.approx(expected[80:], abs=1e-12)


def test_a_budget_of_a_billion_draws_only_what_is_asked():
    with pytest.warns(UserWarning, match="power-of-two"):
        sampler = make(budget=1_000_000_000)
    points = sampler.ask(8)  # a whole design would be 16 GB
    got = [x for p in points for x in (p["a"], p["b"])]
    assert got == pytest.approx(_one_design(8, 3), abs=1e-12)
