"""enchanted_dataset.csv: stable column order, and a header that grows without losing rows."""

from __future__ import annotations

import pandas as pd

from enchanted_surrogates.storage.columns import ColumnOrder
from enchanted_surrogates.storage.csv_dataset import CsvDataset


def _row(x, **extra):
    return {
        "x": x,
        **extra,
        "success": "output" in extra,
        "status": "S",
        "error": "",
        "success_r": True,
        "runtime_sec_r": 0.1,
        "run_dir": f"d/{x}",
    }


def test_columns_are_parameters_outputs_bookkeeping_then_run_dir():
    order = ColumnOrder(["x", "y"], ["r1", "r2"])
    order.add({"y": 1, "out": 2, "x": 3, "run_dir": "d"})
    assert order.columns() == [
        "x",
        "y",
        "out",
        "success",
        "status",
        "error",
        "success_r1",
        "success_r2",
        "runtime_sec_r1",
        "cpu_sec_r1",
        "max_rss_mb_r1",
        "runtime_sec_r2",
        "cpu_sec_r2",
        "max_rss_mb_r2",
        "run_dir",
    ]


def test_header_widens_and_earlier_rows_keep_their_values(tmp_path):
    path = tmp_path / "enchanted_dataset.csv"
    dataset = CsvDataset(path, ColumnOrder(["x"], ["r"]))
    dataset.append(_row(1.0))
    dataset.append(_row(2.0, error_code=7))
    dataset.append(_row(3.0, output=9.0))
    dataset.close()
    df = pd.read_csv(path)
    assert list(df.columns) == [
        "x",
        "error_code",
        "output",
        "success",
        "status",
        "error",
        "success_r",
        "runtime_sec_r",
        "cpu_sec_r",
        "max_rss_mb_r",
        "run_dir",
    ]
    assert df["x"].tolist() == [1.0, 2.0, 3.0]
    assert df["output"].isna().tolist() == [True, True, False]
    assert df.loc[1, "error_code"] == 7
    assert not (tmp_path / "enchanted_dataset.csv.tmp").exists()


def test_strings_with_commas_and_newlines_round_trip(tmp_path):
    path = tmp_path / "d.csv"
    dataset = CsvDataset(path, ColumnOrder(["x"], ["r"]))
    dataset.append({**_row(1.0), "error": 'bad, "quoted"\nsecond line'})
    dataset.close()
    assert pd.read_csv(path).loc[0, "error"] == 'bad, "quoted"\nsecond line'
