"""A script written for the original's `runs.h5` layout reads this project's file."""

from __future__ import annotations

import h5py
import pandas as pd
import pytest

import enchanted_surrogates

pytestmark = pytest.mark.integration


def _config(base) -> dict:
    grid = {"type": "GridSampler", "bounds": [[0, 1]], "num_samples": 2}
    return {
        "executors": {"e1": {"type": "LocalExecutor", "max_workers": 2}},
        "samplers": {"s0": {**grid, "parameters": ["x"]}, "s1": {**grid, "parameters": ["y"]}},
        "runners": {
            "a": {"type": "SumRunner", "params_to_sum": ["x"]},
            "b": {"type": "SumRunner", "params_to_sum": ["x", "y"]},
        },
        "supervisor": {
            "base_run_dir": str(base),
            "run_order": [
                {"executor": "e1", "sampler": "s0", "runner": "a"},
                {"executor": "e1", "sampler": "s1", "runner": "b"},
            ],
        },
        "storage": {"type": "hdf5"},
    }


def test_the_originals_groups_are_in_runs_h5(tmp_path):
    base = tmp_path / "c"
    enchanted_surrogates.run(_config(base))
    with h5py.File(base / "runs.h5", "r") as f:  # as the original's analysis scripts do
        columns = [c.decode() for c in f["data/aggregated/columns"][:]]
        values = f["data/aggregated/values"][:]
        assert values.shape == (4, len(columns))  # the deepest level: 2 x 2 rows
        aggregated = pd.DataFrame(values, columns=columns)
        assert {"x", "y", "output"} <= set(columns)
        assert ((aggregated["output"] - aggregated["x"] - aggregated["y"]).abs() < 1e-12).all()
        assert sorted(f["data/runs"]) == sorted(
            [f"d0_b0_s{i}_r0" for i in range(2)] + [f"d1_b0_s{i}_r0" for i in range(4)]
        )
        run = f["data/runs/d1_b0_s0_r0"]
        assert run["values"].shape == (1, len(run["columns"]))
        assert f["metadata/run_groups/0"].attrs["sampler"] == "GridSampler"
        assert list(f["metadata/run_groups/1"].attrs["runners"]) == ["SumRunner"]
    # the pandas table beside it still loads without naming a key
    assert len(pd.read_hdf(base / "runs.h5")) == 6
