"""Distributions on parameters: inverse-CDF sampling in the random and quasi-random samplers."""

import numpy as np
import pytest
from pydantic import ValidationError
from scipy import stats

from enchanted_surrogates.samplers.latin_hypercube import LatinHypercubeSampler
from enchanted_surrogates.samplers.random import RandomSampler
from enchanted_surrogates.samplers.sobol import SobolSequenceSampler

DISTRIBUTIONS = {
    "u": {"kind": "uniform", "low": -2.0, "high": 3.0},
    "n": {"kind": "normal", "mean": 5.0, "std": 2.0},
    "t": {"kind": "truncnormal", "mean": 0.0, "std": 1.0, "low": -0.5, "high": 2.0},
    "l": {"kind": "lognormal", "mu": 0.5, "sigma": 0.4},
    "b": {"kind": "beta", "alpha": 2.0, "beta": 5.0, "low": 10.0, "high": 20.0},
}
EXACT = {
    "u": stats.uniform(-2.0, 5.0),
    "n": stats.norm(5.0, 2.0),
    "t": stats.truncnorm(-0.5, 2.0),
    "l": stats.lognorm(0.4, scale=np.exp(0.5)),
    "b": stats.beta(2.0, 5.0, loc=10.0, scale=10.0),
}
SAMPLERS = [RandomSampler, LatinHypercubeSampler, SobolSequenceSampler]


def make(cls, budget=1024, **overrides):
    config = {"parameters": list(DISTRIBUTIONS), "distributions": DISTRIBUTIONS}
    config.update(budget=budget, seed=7, **overrides)
    return cls(**config)


@pytest.mark.parametrize("cls", SAMPLERS)
def test_each_parameter_follows_its_distribution(cls):
    points = make(cls).ask(1024)
    for name, exact in EXACT.items():
        values = np.array([p[name] for p in points])
        assert stats.kstest(values, exact.cdf).pvalue > 1e-3, name
        low, high = exact.support()
        assert ((values >= low) & (values <= high)).all(), name


def test_bounds_are_derived_from_the_distributions():
    sampler = make(SobolSequenceSampler, budget=8)
    bounds = dict(zip(sampler.parameters, sampler.bounds))
    assert bounds["u"] == (-2.0, 3.0)
    assert bounds["t"] == pytest.approx((-0.5, 2.0))
    assert bounds["b"] == pytest.approx((10.0, 20.0))
    assert bounds["n"] == pytest.approx((5.0 - 2 * 3.0902, 5.0 + 2 * 3.0902), abs=1e-3)


def test_discrete_values_with_weights():
    sampler = RandomSampler(
        parameters=["k"],
        distributions={"k": {"kind": "discrete", "values": [1, 4, 9], "weights": [1, 2, 1]}},
        budget=4000,
        seed=1,
    )
    values = [p["k"] for p in sampler.ask(4000)]
    assert set(values) == {1, 4, 9}
    assert values.count(4) / 4000 == pytest.approx(0.5, abs=0.03)
    assert sampler.bounds == [(1.0, 9.0)]


def test_random_points_stay_independent_of_chunking_and_resume():
    whole = make(RandomSampler, budget=30).ask(30)
    chunked = make(RandomSampler, budget=30)
    assert chunked.ask(7) + chunked.ask(23) == whole
    resumed = make(RandomSampler, budget=30)
    resumed.restore(whole[:11], [])
    assert resumed.ask(30) == whole[11:]
    assert all(type(v) is float for v in whole[0].values())


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"bounds": [[0, 1]] * 5}, "not both"),
        ({"parameters": ["u", "n"]}, r"\['b', 'l', 't'\] are not among the parameters"),
        ({"parameters": [*DISTRIBUTIONS, "z"]}, r"none given for \['z'\]"),
        (
            {"distributions": {**DISTRIBUTIONS, "n": {"kind": "normal", "mean": 0, "std": -1}}},
            "greater than 0",
        ),
        ({"distributions": {**DISTRIBUTIONS, "n": {"kind": "gamma"}}}, "does not match any"),
        ({"distribution": "normal"}, "`distribution` or `distributions`"),
    ],
)
def test_config_mistakes(overrides, message):
    with pytest.raises(ValidationError, match=message):
        make(RandomSampler, budget=8, **overrides)
