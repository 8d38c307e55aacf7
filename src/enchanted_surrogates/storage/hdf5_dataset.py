"""`runs.h5`: the whole dataset as one HDF5 table, appended block by block.

Written through pandas' HDFStore (PyTables) in `table` format with one field per column,
so `pandas.read_hdf("runs.h5")` returns the dataset and h5py sees a plain compound
dataset (`f["dataset/table"]["x1"]`; only a column named `index`, the name PyTables
keeps for the row number, goes into a `values_block` field instead). Strings are
fixed-width UTF-8 (widths grow by powers of two, with a rewrite) and missing strings
are empty. Columns with missing booleans or integers are stored as floats
(1.0/0.0/NaN), since HDF5 has no missing value for them; `column_kinds` in the
metadata says what each column really holds. The campaign metadata is in the
attributes of `/dataset`: config, version, user, host, levels, started_at, ended_at.
The original's groups (`data/runs`, `data/aggregated`, `metadata/run_groups`) are added
beside it when the file is closed (original_h5_layout.py).
"""

from __future__ import annotations

import errno
import functools
import json
import os
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from enchanted_surrogates.storage.column_kinds import BOOL, INT, STR, logical
from enchanted_surrogates.storage.original_h5_layout import write_original_layout
from enchanted_surrogates.storage.table_writer import (
    BLOCK_ROWS,
    TableWriter,
    require_installed,
)
from enchanted_surrogates.utils.import_ahead import import_ahead

HDF5_FILE = "runs.h5"
KEY = "dataset"
MIN_STRING_BYTES = 64


def _width(values: list[Any], current: int) -> int:
    """Bytes for the longest string, rounded up to a power of two (fewer rewrites)."""
    longest = max((len(v.encode()) for v in values if isinstance(v, str)), default=0)
    need = max(MIN_STRING_BYTES, current, longest)
    return 1 << (need - 1).bit_length()


class Hdf5Dataset(TableWriter):
    def __init__(
        self, path: str | Path, *args: Any, metadata: dict[str, str] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(path, *args, **kwargs)
        require_installed("tables", "hdf5", "HDF5 output")
        import_ahead("pandas", "tables")
        self.metadata = dict(metadata or {})
        self._store: Any = None

    @functools.cached_property
    def _pd(self) -> Any:
        """pandas, imported ahead in a thread when the file opens (see import_ahead), as
        is PyTables, which its HDFStore imports."""
        import pandas as pd

        return pd

    def layout(self) -> dict[str, Any]:
        """Per column: a numpy dtype name, and for strings ("str", byte width)."""
        current = self._layout or {}
        layout: dict[str, Any] = {}
        for column in self.order.columns():
            kind = self.kinds.kind(column)
            nullable = column in self.kinds.nullable
            if kind == STR:
                old = current.get(column)
                width = old[1] if isinstance(old, tuple) else 0
                texts = [logical(row.get(column), STR) for row in self._buffer]
                layout[column] = (STR, _width(texts, width))
            elif kind in (BOOL, INT) and not nullable:
                layout[column] = "bool" if kind == BOOL else "int64"
            else:
                layout[column] = "float64"
        return layout

    def _frame(self, columns: dict[str, list], start: int, layout: dict[str, Any]) -> Any:
        data = {}
        for name, physical in layout.items():
            kind = self.kinds.kind(name)
            values = [logical(v, kind) for v in columns[name]]
            if isinstance(physical, tuple):
                data[name] = np.array(values, dtype=object)
            elif physical == "float64":
                data[name] = np.array(
                    [np.nan if v is None else float(v) for v in values], dtype=np.float64
                )
            else:
                data[name] = np.array(values, dtype=physical)
        count = len(next(iter(columns.values()), []))
        return self._pd.DataFrame(data, index=self._pd.RangeIndex(start, start + count))

    def _put(self, frame: Any, layout: dict[str, Any]) -> None:
        widths = {name: p[1] for name, p in layout.items() if isinstance(p, tuple)}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # column names that are not Python identifiers
            self._store.append(
                KEY,
                frame,
                format="table",
                data_columns=[name for name in frame.columns if name != "index"],
                min_itemsize=widths or None,
                nan_rep="",
                index=False,
                encoding="utf-8",
                expectedrows=max(BLOCK_ROWS, self.rows + len(frame)),
            )
        self._store.flush()

    def _create(self, layout: dict[str, Any]) -> None:
        self._store = self._pd.HDFStore(self.path, mode="w", complevel=4, complib="zlib")

    def _append(self, rows: list[dict[str, Any]], layout: dict[str, Any]) -> None:
        columns = {name: [row.get(name) for row in rows] for name in layout}
        self._put(self._frame(columns, self.rows, layout), layout)
        self._write_metadata()

    def _rewrite(self, layout: dict[str, Any]) -> None:
        self._store.close()
        old = self.path.with_name(self.path.name + ".old")
        self.path.replace(old)
        self._create(layout)
        with self._pd.HDFStore(old, mode="r") as source:
            start = 0
            for chunk in source.select(KEY, chunksize=BLOCK_ROWS):
                columns = {
                    name: [self.written_value(v, name) for v in chunk[name].tolist()]
                    if name in chunk
                    else [None] * len(chunk)
                    for name in layout
                }
                self._put(self._frame(columns, start, layout), layout)
                start += len(chunk)
        old.unlink()

    def _write_metadata(self, **extra: str) -> None:
        attrs = self._store.get_storer(KEY).attrs
        for key, value in {**self.metadata, **extra}.items():
            setattr(attrs, key, value)
        attrs.column_kinds = json.dumps(self.kinds.as_dict())
        attrs.rows = self.rows + len(self._buffer)

    def _discard(self) -> None:
        if self._store is not None:
            self._store.close()
        self.path.unlink(missing_ok=True)

    def _finish(self) -> None:
        if self.rows == 0:  # a table cannot be empty; an empty frame keeps the columns
            frame = self._pd.DataFrame({name: [] for name in self.order.columns()})
            self._store.put(KEY, frame, format="fixed", track_times=False)
        ended = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        self._write_metadata(ended_at=ended)
        self._store.close()
        _room_for_a_copy(self.path)
        write_original_layout(self.path, self._blocks(), self.metadata.get("levels", "[]"))

    def _blocks(self) -> Iterator[Any]:
        """The table back in blocks of rows; pandas closes the file after each read."""
        if self.rows == 0:
            yield self._pd.read_hdf(self.path, KEY)
            return
        for start in range(0, self.rows, BLOCK_ROWS):
            yield self._pd.read_hdf(self.path, KEY, start=start, stop=start + BLOCK_ROWS)


def _room_for_a_copy(path: Path) -> None:
    """The original's layout roughly doubles the file. HDF5 libraries handle a write that
    hits a full disk badly (h5py can crash the process afterwards), so refuse it first."""
    free = os.statvfs(path.parent)
    room = free.f_bavail * free.f_frsize
    needed = max(1 << 20, 2 * path.stat().st_size)
    if room < needed:
        raise OSError(errno.ENOSPC, f"{room} bytes free, about {needed} needed", str(path))
