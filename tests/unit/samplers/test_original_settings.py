"""The original's settings of the adaptive samplers load: mapped, or dropped with a
one-line deprecation warning naming the replacement."""

from __future__ import annotations

from pathlib import Path

import pytest
from campaign_configs import double_gaussian_config

from enchanted_surrogates.config import ConfigError, load_spec


def _with_sampler(tmp_path: Path, sampler: dict) -> dict:
    config = double_gaussian_config(tmp_path / "c")
    config["samplers"]["s1"] = sampler
    return config


AL = {"type": "ActiveLearningSampler", "bounds": [[0, 1], [0, 10]], "budget": 8}


@pytest.mark.parametrize(
    ("original", "here"),
    [("GreedySamplingTarget", "gsy"), ("GreedySamplingX", "gsx"), ("QueryByCommittee", "qbc")],
)
def test_original_query_strategy_names_map_to_the_built_in_ones(tmp_path, original, here):
    config = _with_sampler(
        tmp_path, {**AL, "parameters": ["x", "y"], "batch_size": 4, "query_strategy": original}
    )
    spec = load_spec(config)
    sampler = spec.levels[0].sampler.build()
    assert sampler.config.strategy() == here
    (warning,) = spec.warnings
    assert f"query_strategy: {original} is the original's name; write {here}" in warning


def test_an_unknown_scikit_activeml_class_name_hints_at_the_prefix(tmp_path):
    config = _with_sampler(
        tmp_path, {**AL, "parameters": ["x", "y"], "query_strategy": "UncertaintySampling"}
    )
    with pytest.raises(ConfigError) as info:
        load_spec(config)
    (line,) = info.value.lines()
    assert "samplers.s1.query_strategy" in line and "skactiveml:UncertaintySampling" in line


def test_original_bayesian_optimization_keys_are_mapped_or_dropped(tmp_path):
    original = {
        "type": "BayesianOptimizationSampler",
        "budget": 12,
        "bounds": [[0.001, 1.0], [0, 10]],
        "parameters": ["x", "y"],
        "acquisition_batch_size": 2,
        "acquisition_function": "qUCB",
        "initial_samples": 3,
        "random_fraction": 0.3,
        "async_samp": True,
        "parser": "SyntheticDoubleGaussianParser",
        "dry_run": False,
        "verbose": True,
        "plot_GPR": True,
        "plot_file": True,
        "base_run_dir": "/somewhere",
        "observations": ["output"],
    }
    spec = load_spec(_with_sampler(tmp_path, original))
    cfg = spec.levels[0].sampler.build().config
    assert (cfg.batch_size, cfg.acquisition, cfg.direction) == (2, "ucb", "maximize")
    assert (cfg.target, cfg.random_fraction, cfg.initial_samples) == ("output", 0.3, 3)
    text = "\n".join(spec.warnings)
    assert "acquisition_batch_size is the original's spelling; write batch_size" in text
    assert "acquisition_function: qUCB" in text and "acquisition: ucb" in text
    for key in ("async_samp", "parser", "dry_run", "verbose", "plot_GPR", "base_run_dir"):
        assert f"{key} is ignored (deprecated)" in text
    assert len(spec.warnings) == 10 and all("\n" not in w for w in spec.warnings)


def test_an_explicit_direction_wins_over_the_originals_maximisation(tmp_path):
    sampler = {
        "type": "BayesianOptimizationSampler",
        "budget": 5,
        "bounds": [[0, 1], [0, 10]],
        "parameters": ["x", "y"],
        "acquisition_function": "EI",
        "direction": "minimize",
    }
    cfg = load_spec(_with_sampler(tmp_path, sampler)).levels[0].sampler.build().config
    assert (cfg.acquisition, cfg.direction) == ("ei", "minimize")
