"""The estimators behind `analyse`, on designs evaluated in-process (no campaign)."""

import math

import numpy as np
import pandas as pd
import pytest

from enchanted_surrogates.analysis.design_blocks import complete_blocks
from enchanted_surrogates.analysis.morris_indices import morris_indices
from enchanted_surrogates.analysis.pce_indices import pce_indices
from enchanted_surrogates.analysis.surrogates import UnitTransform, learning_curve, still_improving
from enchanted_surrogates.runners.analytic_functions import (
    ishigami,
    ishigami_indices,
    sobol_g,
    sobol_g_indices,
)
from enchanted_surrogates.samplers.morris import MorrisSampler
from enchanted_surrogates.samplers.pce import PCESampler

PI3 = [[-math.pi, math.pi]] * 3


def evaluate(sampler):
    return {i: ishigami(**p) for i, p in enumerate(sampler.ask(sampler.budget))}


def test_pce_quadrature_projection_matches_exact_ishigami_indices():
    sampler = PCESampler(parameters=["x1", "x2", "x3"], bounds=PI3, design="quadrature", order=9)
    result = pce_indices(sampler, evaluate(sampler))
    assert result["fit"] == "projection"
    for name, exact in ishigami_indices().items():
        assert result["indices"][name]["S1"] == pytest.approx(exact["S1"], abs=0.01)
        assert result["indices"][name]["ST"] == pytest.approx(exact["ST"], abs=0.01)
    assert result["mean"] == pytest.approx(3.5, abs=0.01)  # a / 2


def test_an_incomplete_quadrature_grid_falls_back_to_least_squares():
    sampler = PCESampler(parameters=["x1", "x2", "x3"], bounds=PI3, design="quadrature", order=6)
    values = evaluate(sampler)
    del values[5]
    result = pce_indices(sampler, values)
    assert result["fit"] == "regression" and result["runs_used"] == sampler.budget - 1


def test_morris_ranks_ishigami_inputs_and_drops_broken_trajectories():
    sampler = MorrisSampler(parameters=["x1", "x2", "x3"], bounds=PI3, trajectories=40, seed=3)
    values = evaluate(sampler)
    del values[9]  # in trajectory 2 (rows 8..11)
    result = morris_indices(sampler, values)
    assert result["blocks_dropped"] == [2] and result["trajectories_used"] == 39
    mu_star = {k: v["mu_star"] for k, v in result["indices"].items()}
    assert mu_star["x1"] > mu_star["x3"] > 0 and mu_star["x2"] > mu_star["x3"]


def test_complete_blocks_keeps_only_whole_blocks():
    usable = {i: float(i) for i in range(12) if i != 4}
    kept, y, dropped = complete_blocks(usable, block=4, size=12)
    assert list(kept) == [0, 1, 2, 3, 8, 9, 10, 11] and dropped == [1]
    assert list(y) == [0, 1, 2, 3, 8, 9, 10, 11]


def test_g_function_exact_indices_sum_and_order():
    exact = sobol_g_indices(6)
    first = [exact[f"x{j}"]["S1"] for j in range(1, 7)]
    assert first == sorted(first, reverse=True) and sum(first) < 1
    assert all(exact[k]["ST"] >= exact[k]["S1"] for k in exact)
    assert sobol_g({f"x{j}": 0.5 for j in range(1, 7)}) == 0.0  # |4*0.5-2| + 0 for a=0


def test_learning_curve_error_falls_with_more_runs():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.uniform(-math.pi, math.pi, (200, 3)), columns=["x1", "x2", "x3"])
    y = np.array([ishigami(*row) for row in frame.to_numpy()])
    transform = UnitTransform.for_sampler(None, ["x1", "x2", "x3"], frame)
    curve = learning_curve("pce", transform.to_unit(frame), y)
    assert curve[-1]["runs"] == 200
    assert curve[-1]["nrmse"] < curve[0]["nrmse"]
    assert still_improving([{"nrmse": 1.0}, {"nrmse": 0.5}])
    assert not still_improving([{"nrmse": 0.50}, {"nrmse": 0.49}])
