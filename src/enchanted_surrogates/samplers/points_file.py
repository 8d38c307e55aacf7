"""The rows of an ExplicitPointsSampler's file, as plain Python values per column.

A CSV whose needed columns hold only plain numbers is read with the csv module: importing
pandas (~0.3 s) would otherwise delay the first run of every explicit-points campaign.
Any other file (strings, blanks, NA markers, odd headers, Parquet) is read by pandas. For
numbers the fast path gives what pandas.read_csv gives: a column of integers is int, a
column with a decimal point or an exponent anywhere is float, parsed to the same double.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from enchanted_surrogates.samplers.base import plain

PARQUET_SUFFIXES = (".parquet", ".pq")
_INT = re.compile(r"[+-]?\d+\Z", re.ASCII)
_BIG_INT = re.compile(r"[+-]?\d{19,}\Z", re.ASCII)  # beyond int64: pandas' own types decide
_FLOAT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\Z", re.ASCII)


@dataclass(frozen=True)
class PointsTable:
    """Every column name of the file in order, its number of data rows, and the values
    of the wanted columns it has (None where a cell is blank)."""

    columns: list[str]
    rows: int
    values: dict[str, list[Any]]


def read_points(path: Path, wanted: list[str]) -> PointsTable:
    """The table in `path`; the suffix says the format (Parquet needs pyarrow)."""
    if path.suffix.lower() not in PARQUET_SUFFIXES:
        table = _numeric_csv(path, wanted)
        if table is not None:
            return table
    return from_frame(_read_frame(path), wanted)


def from_frame(frame: Any, wanted: list[str]) -> PointsTable:
    """A pandas DataFrame as a PointsTable."""
    import pandas as pd

    values = {
        name: [None if pd.isna(v) else plain(v) for v in frame[name].tolist()]
        for name in wanted
        if name in frame.columns
    }
    return PointsTable([str(c) for c in frame.columns], len(frame), values)


def _read_frame(path: Path) -> Any:
    import pandas as pd

    if path.suffix.lower() in PARQUET_SUFFIXES:
        try:
            return pd.read_parquet(path)
        except ImportError:
            raise ValueError(
                "file: reading Parquet needs pyarrow: pip install 'enchanted-surrogates[parquet]'"
            ) from None
    return pd.read_csv(path)


def _numeric_csv(path: Path, wanted: list[str]) -> PointsTable | None:
    """The table when its header is plain and every wanted column is all numbers; None
    when pandas should decide."""
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        body = list(reader)
    if (
        not header
        or len(set(header)) != len(header)
        or any(not h or h != h.strip() for h in header)
    ):
        return None  # pandas renames or strips such columns (or the file is empty)
    if header[0].startswith("\ufeff") or any(len(row) != len(header) for row in body):
        return None
    values: dict[str, list[Any]] = {}
    for name in wanted:
        if name not in header:
            continue
        index = header.index(name)
        cells = [row[index] for row in body]
        if any(_BIG_INT.match(cell) for cell in cells):
            return None
        if all(_INT.match(cell) for cell in cells):
            values[name] = [int(cell) for cell in cells]
        elif all(_INT.match(cell) or _FLOAT.match(cell) for cell in cells):
            values[name] = [float(cell) for cell in cells]
        else:
            return None
    return PointsTable(header, len(body), values)
