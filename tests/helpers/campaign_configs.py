"""Config builders shared by campaign tests."""

from __future__ import annotations

from pathlib import Path

import yaml


def write_config(path: Path, config: dict) -> Path:
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def xy_sampler(budget: int, seed: int) -> dict:
    """A seeded RandomSampler entry over x and y in [0, 1]."""
    return {
        "type": "RandomSampler",
        "parameters": ["x", "y"],
        "bounds": [[0.0, 1.0], [0.0, 1.0]],
        "budget": budget,
        "seed": seed,
    }


def basic_config(base_run_dir: Path, runner: dict, sampler: dict | None = None, **supervisor):
    """A one-level campaign config with the given runner entry."""
    return {
        "executors": {"e1": {"type": "LocalExecutor", "max_workers": 2}},
        "samplers": {"s1": sampler or xy_sampler(budget=8, seed=3)},
        "runners": {"r1": runner},
        "supervisor": {
            "base_run_dir": str(base_run_dir),
            "run_order": [{"executor": "e1", "sampler": "s1", "runner": "r1"}],
            **supervisor,
        },
    }


def double_gaussian_config(base_run_dir: Path) -> dict:
    """A small valid campaign (2-D analytic runner, 4 seeded random points) to break."""
    return {
        "executors": {"local": {"type": "LocalExecutor", "max_workers": 1}},
        "samplers": {
            "s1": {
                "type": "RandomSampler",
                "parameters": ["x", "y"],
                "bounds": [[0.0, 1.0], [0.0, 1.0]],
                "budget": 4,
                "seed": 1,
            }
        },
        "runners": {"r1": {"type": "SyntheticDoubleGaussianRunner", "dimensions": 2}},
        "supervisor": {
            "base_run_dir": str(base_run_dir),
            "run_order": [{"sampler": "s1", "executor": "local", "runner": "r1"}],
        },
    }
