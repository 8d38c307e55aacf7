"""Whole campaigns writing Parquet and runs.h5, pruning run dirs, staging on local disk."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import h5py
import pandas as pd
import pytest
from campaign_configs import basic_config, write_config

from enchanted_surrogates.storage.load import load_dataset

pytestmark = pytest.mark.integration


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if not p.is_dir()]


def _random(budget: int, seed: int = 3) -> dict:
    return {
        "type": "RandomSampler",
        "parameters": ["x1", "x2"],
        "bounds": [[0.0, 1.0], [0.0, 1.0]],
        "budget": budget,
        "seed": seed,
    }


def test_save_files_none_with_parquet_and_hdf5_leaves_a_handful_of_files(tmp_path, enchanted):
    base = tmp_path / "run"
    config = basic_config(
        base,
        {"type": "SumRunner", "params_to_sum": ["x1", "x2"]},
        _random(2000),
        save_files="none",
        summary_datatype="both",
    )
    config["storage"] = {"type": "hdf5"}
    done = enchanted("run", write_config(tmp_path / "c.yaml", config), cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    assert len(_files(base)) < 50
    assert list((base / "data").iterdir()) == []
    parquet = pd.read_parquet(base / "enchanted_dataset.parquet")
    hdf = pd.read_hdf(base / "runs.h5")
    for frame in (parquet, hdf):
        assert len(frame) == 2000
        assert frame["x1"].dtype == "float64" and frame["output"].dtype == "float64"
        assert frame["success"].dtype == bool and frame["success"].all()
        assert frame["run_dir"].str.contains("/data/d0_").all()
    with h5py.File(base / "runs.h5") as f:
        assert f["dataset/table"].shape == (2000,)
        attrs = f["dataset"].attrs
        for key in ("config", "version", "user", "host", "levels", "started_at", "ended_at"):
            assert key in attrs


def test_csv_parquet_and_hdf5_of_one_campaign_load_equal(tmp_path, enchanted):
    base = tmp_path / "run"
    config = basic_config(
        base,
        {"type": "es_test_plugins:ThresholdRunner"},
        _random(40),
        summary_datatype="both",
    )
    config["storage"] = {"type": "hdf5"}
    done = enchanted("run", write_config(tmp_path / "c.yaml", config), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    csv = load_dataset(base / "enchanted_dataset.csv")
    assert not csv["success"].all() and csv["success"].any()
    assert csv["converged"].dtype == "boolean" and csv["converged"].isna().any()
    pd.testing.assert_frame_equal(csv, load_dataset(base / "enchanted_dataset.parquet"))
    pd.testing.assert_frame_equal(csv, load_dataset(base / "runs.h5"))
    raw_csv = pd.read_csv(base / "enchanted_dataset.csv")
    raw_parquet = pd.read_parquet(base / "enchanted_dataset.parquet")
    raw_hdf = pd.read_hdf(base / "runs.h5")
    assert list(raw_csv.columns) == list(raw_parquet.columns) == list(raw_hdf.columns)
    for column in ("x1", "x2", "success", "status", "run_dir"):
        assert raw_csv[column].dtype == raw_parquet[column].dtype == raw_hdf[column].dtype
        assert raw_csv[column].tolist() == raw_parquet[column].tolist() == raw_hdf[column].tolist()


def test_save_files_custom_keeps_the_listed_files_and_children_still_read_parents(
    tmp_path, enchanted
):
    base = tmp_path / "run"
    writer = {"type": "es_test_plugins:FileWriterRunner"}
    config = {
        "executors": {"e1": {"type": "LocalExecutor", "max_workers": 2}},
        "samplers": {
            "s1": _random(3),
            "s2": {"type": "ArraySampler", "parameters": ["y"], "values": [[1.0, 2.0]]},
        },
        "runners": {"a": writer, "b": writer, "c": writer},
        "supervisor": {
            "base_run_dir": str(base),
            "run_order": [
                {"executor": ["e1", "e1"], "sampler": "s1", "runner": ["a", "b"]},
                {"executor": "e1", "sampler": "s2", "runner": "c"},
            ],
            "save_files": "custom",
            "save_files_list": ["*.dat", "sub/*.h5"],
        },
    }
    done = enchanted("run", write_config(tmp_path / "c.yaml", config), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = pd.read_csv(base / "enchanted_all_levels_dataset.csv")  # both levels
    assert len(rows) == 3 + 3 * 2
    assert rows["success"].all()
    # stage b read stage a's scratch file, level 2 read its parent's: both were kept for them
    assert rows["earlier_readable"].fillna(True).astype(bool).all()
    run_dirs = sorted((base / "data").iterdir())
    assert len(run_dirs) == 3 * 2 + 6
    for run_dir in run_dirs:
        kept = {p.relative_to(run_dir).as_posix() for p in _files(run_dir)}
        assert kept == {"out.dat", "sub/keep.h5"}, run_dir


def test_children_of_failed_parents_read_their_files_with_include(tmp_path, enchanted):
    base = tmp_path / "run"
    config = {
        "executors": {"e1": {"type": "LocalExecutor", "max_workers": 2}},
        "samplers": {
            "s1": _random(6, seed=5),
            "s2": {"type": "ArraySampler", "parameters": ["y"], "values": [[1.0, 2.0]]},
        },
        "runners": {
            "a": {"type": "es_test_plugins:FileWriterRunner", "fail_above": 0.5},
            "b": {"type": "es_test_plugins:FileWriterRunner"},
            "c": {"type": "es_test_plugins:FileWriterRunner"},
        },
        "supervisor": {
            "base_run_dir": str(base),
            "run_order": [
                {"executor": ["e1", "e1"], "sampler": "s1", "runner": ["a", "b"]},
                {"executor": "e1", "sampler": "s2", "runner": "c"},
            ],
            "save_files": "none",
            "nested_failed_parents": "include",
        },
    }
    done = enchanted("run", write_config(tmp_path / "c.yaml", config), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = pd.read_csv(base / "enchanted_all_levels_dataset.csv")
    children = rows[rows["level"] == 1]
    assert len(children) == 12
    assert (~rows[rows["level"] == 0]["success"]).any()  # some parents failed at stage a
    assert children["earlier_readable"].astype(bool).all()
    assert list((base / "data").iterdir()) == []


def test_local_storage_runs_on_the_local_disk_and_moves_only_its_own_runs(tmp_path, enchanted):
    local = tmp_path / "node-local"
    local.mkdir()
    (local / "someone-elses.dat").write_text("untouched")
    base = tmp_path / "run"
    config = basic_config(
        base,
        {"type": "es_test_plugins:FileWriterRunner"},
        _random(6),
        local_storage="TMPDIR",
        save_files="custom",
        save_files_list=["out.dat"],
    )
    path = write_config(tmp_path / "c.yaml", config)
    done = enchanted("run", path, cwd=tmp_path, env={"TMPDIR": str(local)})
    assert done.returncode == 0, done.stderr
    rows = pd.read_csv(base / "enchanted_dataset.csv")
    assert rows["worked_in"].str.startswith(str(local)).all()
    assert rows["run_dir"].str.startswith(str(base / "data" / "d0_")).all()
    for run_dir in rows["run_dir"]:
        assert sorted(p.name for p in Path(run_dir).iterdir()) == ["out.dat"]
    assert not (base / "data" / "data").exists()
    assert sorted(p.name for p in local.iterdir()) == ["someone-elses.dat"]
    assert (local / "someone-elses.dat").read_text() == "untouched"


def test_local_storage_with_the_variable_unset_warns_and_runs_normally(tmp_path, enchanted):
    base = tmp_path / "run"
    config = basic_config(
        base,
        {"type": "es_test_plugins:FileWriterRunner"},
        _random(4),
        local_storage="ES_NO_SUCH_SCRATCH",
    )
    path = write_config(tmp_path / "c.yaml", config)
    done = enchanted("run", path, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "ES_NO_SUCH_SCRATCH" in done.stderr and "not set" in done.stderr
    rows = pd.read_csv(base / "enchanted_dataset.csv")
    assert len(rows) == 4 and rows["success"].all()
    assert (rows["worked_in"] == rows["run_dir"]).all()


def test_export_writes_other_formats_from_the_journal(tmp_path, enchanted):
    base = tmp_path / "run"
    config = basic_config(base, {"type": "es_test_plugins:ThresholdRunner"}, _random(30))
    assert enchanted("run", write_config(tmp_path / "c.yaml", config), cwd=tmp_path).returncode == 0
    full = pd.read_csv(base / "enchanted_dataset.csv")
    done = enchanted("export", base, "--format", "parquet", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    pd.testing.assert_frame_equal(
        load_dataset(tmp_path / "enchanted_dataset.parquet"), load_dataset(base)
    )
    out = tmp_path / "ok.h5"
    done = enchanted(
        "export",
        base,
        "--format",
        "hdf5",
        "-o",
        out,
        "--successful-only",
        "--columns",
        "x2",
        "x1",
        "success",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    subset = pd.read_hdf(out)
    assert list(subset.columns) == ["x2", "x1", "success"]
    assert len(subset) == int(full["success"].sum()) and subset["success"].all()
    done = enchanted("export", base, "--format", "csv", "--columns", "x3", cwd=tmp_path)
    assert done.returncode == 2
    assert "x3" in done.stderr and "x1" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.slow
def test_typed_files_after_kill_and_resume_hold_every_run_once(tmp_path, enchanted, start_campaign):
    base = tmp_path / "run"
    config = basic_config(
        base,
        {"type": "es_test_plugins:SleepRunner"},
        {"type": "ArraySampler", "parameters": ["sleep"], "values": [[0.05] * 60]},
        summary_datatype="parquet",
    )
    config["storage"] = {"type": "hdf5"}
    path = write_config(tmp_path / "c.yaml", config)
    proc = start_campaign(path, tmp_path)
    journal = base / "journal.jsonl"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if journal.exists() and journal.read_text().count('"final":true') >= 10:
            break
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (base / "enchanted_dataset.parquet").exists()
    done = enchanted("run", path, "--resume", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for frame in (
        pd.read_parquet(base / "enchanted_dataset.parquet"),
        pd.read_hdf(base / "runs.h5"),
    ):
        assert len(frame) == 60
        assert frame["run_dir"].is_unique


def test_rebuild_recreates_every_configured_dataset_file(tmp_path, enchanted):
    base = tmp_path / "run"
    config = basic_config(
        base, {"type": "es_test_plugins:ThresholdRunner"}, _random(25), summary_datatype="both"
    )
    config["storage"] = {"type": "hdf5"}
    assert enchanted("run", write_config(tmp_path / "c.yaml", config), cwd=tmp_path).returncode == 0
    before = load_dataset(base / "runs.h5")
    for name in ("enchanted_dataset.csv", "enchanted_dataset.parquet", "runs.h5"):
        (base / name).unlink()
    done = enchanted("rebuild", base, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for name in ("enchanted_dataset.csv", "enchanted_dataset.parquet", "runs.h5"):
        pd.testing.assert_frame_equal(load_dataset(base / name), before)


def test_rebuild_of_a_campaign_in_the_original_layout_gives_the_same_dataset(tmp_path, enchanted):
    base = tmp_path / "old"
    legacy = {
        "executor": {"type": "LocalExecutor", "max_workers": 2, "base_run_dir": str(base)},
        "sampler": _random(6),
        "runner": {"type": "SumRunner", "params_to_sum": ["x1", "x2"]},
        "storage": {"type": "hdf5"},
    }
    assert enchanted("run", write_config(tmp_path / "c.yaml", legacy), cwd=tmp_path).returncode == 0
    before = (base / "enchanted_dataset.csv").read_text()
    assert enchanted("rebuild", base, cwd=tmp_path).returncode == 0
    assert (base / "enchanted_dataset.csv").read_text() == before
    with h5py.File(base / "runs.h5") as f:
        assert '"SumRunner"' in str(f["dataset"].attrs["levels"])
