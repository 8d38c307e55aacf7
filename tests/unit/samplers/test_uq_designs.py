"""Saltelli, Morris and PCE designs: sizes, seeding, chunk/resume independence, the [uq] extra."""

import importlib.util

import numpy as np
import pytest
from pydantic import ValidationError

from enchanted_surrogates.samplers.morris import MorrisSampler
from enchanted_surrogates.samplers.pce import PCESampler
from enchanted_surrogates.samplers.saltelli import SaltelliSampler

BOUNDS = [[0.0, 1.0], [-2.0, 2.0], [10.0, 20.0]]
COMMON = {"parameters": ["a", "b", "c"], "bounds": BOUNDS, "seed": 5}
DESIGNS = [
    (SaltelliSampler, {"base_samples": 16}, 16 * 5),
    (SaltelliSampler, {"base_samples": 8, "second_order": True}, 8 * 8),
    (MorrisSampler, {"trajectories": 6}, 6 * 4),
    (PCESampler, {"design": "quadrature", "order": 2}, 27),
    (PCESampler, {"design": "regression", "order": 3, "budget": 40}, 40),
    (PCESampler, {"design": "regression", "order": 2}, 20),
]


@pytest.mark.parametrize(("cls", "options", "size"), DESIGNS)
def test_design_size_and_bounds(cls, options, size):
    sampler = cls(**COMMON, **options)
    points = sampler.ask(10_000)
    assert sampler.budget == size == len(points)
    for point in points:
        for name, (low, high) in zip(COMMON["parameters"], BOUNDS):
            assert low <= point[name] <= high


@pytest.mark.parametrize(("cls", "options", "size"), DESIGNS)
def test_same_seed_same_points_and_resume_continues(cls, options, size):
    whole = cls(**COMMON, **options).ask(size)
    again = cls(**COMMON, **options)
    assert again.ask(3) + again.ask(size) == whole
    resumed = cls(**COMMON, **options)
    resumed.restore(whole[:7], [])
    assert resumed.ask(size) == whole[7:]


def test_sparse_grid_has_fewer_nodes_than_the_tensor_grid():
    options = {"parameters": list("abcde"), "bounds": [[0, 1]] * 5, "order": 3}
    sparse = PCESampler(design="sparse", **options)
    full = PCESampler(design="quadrature", **options)
    assert sparse.budget < full.budget == 4**5


def test_saltelli_maps_through_distributions():
    sampler = SaltelliSampler(
        parameters=["n"],
        distributions={"n": {"kind": "normal", "mean": 3.0, "std": 0.5}},
        base_samples=512,
        seed=1,
    )
    values = np.array([p["n"] for p in sampler.ask(10_000)])
    assert values.mean() == pytest.approx(3.0, abs=0.05)
    assert values.std() == pytest.approx(0.5, abs=0.05)


def test_morris_grid_stays_inside_an_unbounded_distribution_range():
    sampler = MorrisSampler(
        parameters=["n", "u"],
        distributions={
            "n": {"kind": "normal", "mean": 0.0, "std": 1.0},
            "u": {"kind": "uniform", "low": 0.0, "high": 1.0},
        },
        trajectories=10,
        seed=2,
    )
    values = [p["n"] for p in sampler.ask(100)]
    assert max(abs(v) for v in values) == pytest.approx(3.0902, abs=1e-3)


@pytest.mark.parametrize(
    ("cls", "options", "message"),
    [
        (SaltelliSampler, {"base_samples": 12}, "not a power of two"),
        (MorrisSampler, {"trajectories": 4, "levels": 3}, "not an even number"),
        (PCESampler, {"order": 3, "budget": 10}, "cannot fit the 20 terms"),
    ],
)
def test_config_mistakes(cls, options, message):
    with pytest.raises(ValidationError, match=message):
        cls(**COMMON, **options)


@pytest.mark.parametrize(
    ("cls", "options", "module"),
    [
        (SaltelliSampler, {"base_samples": 8}, "SALib"),
        (MorrisSampler, {"trajectories": 4}, "SALib"),
        (PCESampler, {"order": 2}, "chaospy"),
    ],
)
def test_a_missing_uq_library_names_the_extra(monkeypatch, cls, options, module):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == module else real(name, *a)
    )
    with pytest.raises(ValidationError, match=r"enchanted-surrogates\[uq\]"):
        cls(**COMMON, **options)
