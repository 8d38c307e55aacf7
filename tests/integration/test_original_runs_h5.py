"""`runs.h5` as the original wrote it: by default, unless `storage: {type: None}`, and in
a layout that a script written for the original's file reads."""

from __future__ import annotations

import os

import h5py
import pandas as pd
import pytest
import yaml

import enchanted_surrogates

pytestmark = pytest.mark.integration


def _config(base) -> dict:
    """A nested campaign in the original's format, with no `storage` section."""
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
    }


def test_a_default_campaign_writes_runs_h5_in_the_originals_layout(tmp_path):
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
        for name in f["data/runs"]:
            run = f[f"data/runs/{name}"]
            row = dict(zip(run["columns"].asstr()[:], run["values"][0]))
            assert run["values"].shape == (1, len(run["columns"]))
            assert row["output"] == pytest.approx(row["x"] + (0 if name[1] == "0" else row["y"]))
        assert f["metadata/run_groups/0"].attrs["sampler"] == "GridSampler"
        assert list(f["metadata/run_groups/1"].attrs["runners"]) == ["SumRunner"]
    # the pandas table beside it still loads without naming a key
    assert len(pd.read_hdf(base / "runs.h5")) == 6


def test_storage_type_none_in_the_originals_spelling_writes_no_runs_h5(tmp_path, enchanted):
    config = _config(tmp_path / "c")
    config["storage"] = {"type": "None"}
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    done = enchanted("run", tmp_path / "c.yaml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "c" / "runs.h5").exists()
    assert len(pd.read_csv(tmp_path / "c" / "enchanted_dataset.csv")) == 4


def test_without_the_hdf5_libraries_a_default_campaign_runs_and_warns_once(
    tmp_path, enchanted, cli_env
):
    """A trimmed environment: PyTables and h5py cannot be imported by the command."""
    blocker = tmp_path / "site"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text(
        "import sys\nsys.modules['tables'] = None\nsys.modules['h5py'] = None\n"
    )
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(_config(tmp_path / "c"), sort_keys=False))
    pythonpath = os.pathsep.join([str(blocker), cli_env["PYTHONPATH"]])
    done = enchanted("run", tmp_path / "c.yaml", cwd=tmp_path, env={"PYTHONPATH": pythonpath})
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("runs.h5 is not written") == 1
    assert "pip install 'enchanted-surrogates[hdf5]'" in done.stderr
    assert not (tmp_path / "c" / "runs.h5").exists()
    assert len(pd.read_csv(tmp_path / "c" / "enchanted_dataset.csv")) == 4
