"""Parquet and runs.h5 writers: blocks, schema changes, dtypes, and equal loads."""

from __future__ import annotations

import json

import h5py
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from enchanted_surrogates.storage.column_kinds import ColumnKinds, bookkeeping_seeds, widen
from enchanted_surrogates.storage.columns import ColumnOrder
from enchanted_surrogates.storage.csv_dataset import CsvDataset
from enchanted_surrogates.storage.datasets import Datasets
from enchanted_surrogates.storage.hdf5_dataset import Hdf5Dataset
from enchanted_surrogates.storage.load import load_dataset
from enchanted_surrogates.storage.parquet_dataset import ParquetDataset


def _rows(n: int) -> list[dict]:
    """Rows whose columns change on the way: failures first (no outputs), an int output
    that later turns float, a string that outgrows 64 bytes, a bool missing in failures."""
    rows = []
    for i in range(n):
        ok = i % 4 != 0
        row = {"x": i / 10, "success": ok, "status": "SUCCESS" if ok else "FAILED"}
        row["error"] = "" if ok else f"boom {i} " + "long message " * (10 if i > 20 else 1)
        if ok and i > 2:
            row["count"] = i if i < 30 else i + 0.5
            row["converged"] = i % 3 == 0
            row["label"] = f"run-{i}"
        row["run_dir"] = f"/base/data/d0_b0_s{i}_r0"
        rows.append(row)
    return rows


def _write(writer_cls, path, rows, **kwargs):
    writer = writer_cls(path, ColumnOrder(["x"], []), block_rows=7, **kwargs)
    for row in rows:
        writer.append(row)
        writer.flush()
    writer.close()
    return writer


def _csv(path, rows):
    dataset = CsvDataset(path, ColumnOrder(["x"], []))
    for row in rows:
        dataset.append(row)
    dataset.close()


def test_kinds_only_widen():
    assert widen("int", "float") == "float"
    assert widen("null", "bool") == "bool"
    assert widen("bool", "int") == "str"
    kinds = ColumnKinds()
    kinds.observe({"a": 1}, ["a"])
    kinds.observe({"a": 2.5, "b": "x"}, ["a", "b"])
    assert kinds.as_dict() == {"a": "float", "b": "str?"}


def test_parquet_keeps_dtypes_across_blocks_and_schema_changes(tmp_path):
    rows = _rows(50)
    path = tmp_path / "d.parquet"
    _write(ParquetDataset, path, rows, metadata={"version": "test"})
    table = pq.read_table(path)
    assert table.num_rows == 50
    assert pq.ParquetFile(path).num_row_groups > 1
    types = {f.name: str(f.type) for f in table.schema}
    assert types["x"] == "double" and types["success"] == "bool"
    assert types["count"] == "double" and types["converged"] == "bool"
    assert types["status"] == "string" and types["error"] == "string"
    assert json.loads(table.schema.metadata[b"enchanted"])["version"] == "test"
    frame = pd.read_parquet(path)
    assert frame["success"].dtype == bool
    assert frame.loc[3, "label"] == "run-3" and pd.isna(frame.loc[0, "label"])
    assert not (tmp_path / "d.parquet.partial").exists()


def test_runs_h5_is_a_table_for_pandas_and_h5py(tmp_path):
    rows = _rows(50)
    path = tmp_path / "runs.h5"
    _write(Hdf5Dataset, path, rows, metadata={"config": "a: 1", "user": "me"})
    frame = pd.read_hdf(path, "dataset")
    assert len(frame) == 50
    assert frame["success"].dtype == bool and frame["x"].dtype == np.float64
    assert frame.loc[44, "error"].startswith("boom 44 long message")
    with h5py.File(path) as f:
        table = f["dataset/table"]
        assert table.shape == (50,)
        assert {"x", "success", "status", "error", "count", "run_dir"} <= set(table.dtype.names)
        assert table["status"][1] == b"SUCCESS"
        attrs = f["dataset"].attrs
        assert attrs["config"] in ("a: 1", b"a: 1")
        kinds = json.loads(attrs["column_kinds"])
        assert kinds["converged"] == "bool?" and kinds["count"] == "float?"
        assert "ended_at" in attrs


def test_the_three_formats_load_equal(tmp_path):
    rows = _rows(50)
    _csv(tmp_path / "d.csv", rows)
    _write(ParquetDataset, tmp_path / "d.parquet", rows)
    _write(Hdf5Dataset, tmp_path / "runs.h5", rows)
    csv = load_dataset(tmp_path / "d.csv")
    assert csv["converged"].dtype == "boolean"
    pd.testing.assert_frame_equal(csv, load_dataset(tmp_path / "d.parquet"))
    pd.testing.assert_frame_equal(csv, load_dataset(tmp_path / "runs.h5"))


@pytest.mark.parametrize("writer_cls", [ParquetDataset, Hdf5Dataset])
def test_an_empty_dataset_is_still_a_valid_file(tmp_path, writer_cls):
    path = tmp_path / ("d.parquet" if writer_cls is ParquetDataset else "runs.h5")
    _write(writer_cls, path, [])
    frame = pd.read_parquet(path) if writer_cls is ParquetDataset else pd.read_hdf(path)
    assert len(frame) == 0 and "x" in frame.columns
    _csv(tmp_path / "d.csv", [])
    pd.testing.assert_frame_equal(load_dataset(tmp_path / "d.csv"), load_dataset(path))


def test_a_column_named_index_still_goes_to_runs_h5(tmp_path):
    rows = [{"index": i, "x": 0.5, "success": True, "status": "SUCCESS"} for i in range(3)]
    _write(Hdf5Dataset, tmp_path / "runs.h5", rows)
    assert pd.read_hdf(tmp_path / "runs.h5")["index"].tolist() == [0, 1, 2]


def test_a_file_that_cannot_be_written_is_dropped_and_the_others_go_on(tmp_path, caplog):
    order = ColumnOrder(["x"], [])
    broken = ParquetDataset(tmp_path / "missing-dir" / "d.parquet", order, block_rows=2)
    datasets = Datasets([CsvDataset(tmp_path / "d.csv", order), broken])
    for row in _rows(5):
        datasets.append(row)
    datasets.close()
    assert len(pd.read_csv(tmp_path / "d.csv")) == 5
    assert datasets.files[1:] == []
    assert "d.parquet" in caplog.text and "enchanted rebuild" in caplog.text


def test_values_keep_their_text_when_a_column_widens_to_strings(tmp_path):
    rows = [
        {"k": 3, "b": True},
        {"k": None, "b": None},
        {"k": 5, "b": False},
        {"k": "abc", "b": "maybe"},
    ]
    _csv(tmp_path / "d.csv", rows)
    _write(Hdf5Dataset, tmp_path / "runs.h5", rows)
    _write(ParquetDataset, tmp_path / "d.parquet", rows)
    h5 = load_dataset(tmp_path / "runs.h5")
    assert h5["k"].tolist()[:1] == ["3"] and h5["b"].tolist()[0] == "True"
    pd.testing.assert_frame_equal(load_dataset(tmp_path / "d.csv"), h5)
    pd.testing.assert_frame_equal(
        load_dataset(tmp_path / "d.csv"), load_dataset(tmp_path / "d.parquet")
    )


def test_the_first_stage_success_column_stays_boolean_in_runs_h5(tmp_path):
    seeds = bookkeeping_seeds(["a", "b"])
    rows = [{"x": 0.1, "success_a": True, "success_b": True}, {"x": 0.2, "success_a": False}]
    writer = Hdf5Dataset(tmp_path / "runs.h5", ColumnOrder(["x"], ["a", "b"]), ColumnKinds(seeds))
    for row in rows:
        writer.append(row)
    writer.close()
    assert pd.read_hdf(tmp_path / "runs.h5")["success_a"].dtype == bool
    assert load_dataset(tmp_path / "runs.h5")["success_b"].dtype == "boolean"


def test_a_dropped_file_is_removed_not_left_half_written(tmp_path, caplog):
    order = ColumnOrder(["x"], [])
    h5 = Hdf5Dataset(tmp_path / "runs.h5", order, block_rows=1)
    datasets = Datasets([CsvDataset(tmp_path / "d.csv", order), h5])
    datasets.append({"x": 1.0, "a/b": 2.0})  # PyTables refuses '/' in a column name
    datasets.close()
    assert not (tmp_path / "runs.h5").exists()
    assert len(pd.read_csv(tmp_path / "d.csv")) == 1
    assert "runs.h5" in caplog.text
