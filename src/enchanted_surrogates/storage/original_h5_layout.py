"""The original's groups in `runs.h5`, beside the pandas table, so its scripts keep working:

* `data/runs/<run dir name>/values` (one row) and `columns`: each run's numeric values;
* `data/aggregated/values` and `columns`: the numeric columns of the deepest level's rows;
* `metadata/run_groups/<level>`: attributes `sampler`, `executors` and `runners` (types).

Only numeric columns are stored (booleans and text are not), as the original did.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pandas is loaded by the caller that has a frame, not at import
    import pandas as pd


COMPACT_BYTES = 32 * 1024  # a run's row up to this size lives in its object header


def _run_groups(runs: Any, names: list[str], values: np.ndarray, columns: Any, h5py: Any) -> None:
    """One group per run dir, `values` its row. Thousands of runs make thousands of HDF5
    objects, the slow part of closing runs.h5, so this uses h5py's low-level calls with
    one prepared dataspace, a compact layout without timestamps, and one `columns`
    dataset hard-linked into every group: about half the time of `create_dataset`."""
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_obj_track_times(False)
    if 0 < values.shape[1] * values.itemsize <= COMPACT_BYTES:
        dcpl.set_layout(h5py.h5d.COMPACT)
    space = h5py.h5s.create_simple((1, values.shape[1]))
    last = {name: index for index, name in enumerate(names)}  # a name twice: the last row
    for name, index in last.items():
        key = name.encode()
        if runs.id.links.exists(key):  # written from an earlier block: the later row wins
            runs.id.unlink(key)
        group = h5py.h5g.create(runs.id, key)
        row = h5py.h5d.create(group, b"values", h5py.h5t.IEEE_F64LE, space, dcpl=dcpl)
        row.write(h5py.h5s.ALL, h5py.h5s.ALL, np.ascontiguousarray(values[index : index + 1]))
        h5py.h5o.link(columns.id, group, b"columns")


def write_original_layout(
    path: str | Path, frames: Iterable[pd.DataFrame], levels_json: str
) -> None:
    """Add the original's groups to the HDF5 file at `path` from the campaign's rows, given
    block by block (each block read while the file is closed), so memory stays flat."""
    import h5py

    levels = json.loads(levels_json or "[]")
    deepest_level = max((int(level["level"]) for level in levels), default=None)
    with h5py.File(path, "a") as handle:
        for name in ("data", "metadata"):
            if name in handle:
                del handle[name]
    aggregated: Any = None
    for frame in frames:
        numeric = frame.select_dtypes(include=[np.number])
        values = numeric.to_numpy(dtype=float)
        deepest = np.ones(len(frame), dtype=bool)
        if "level" in frame and deepest_level is not None and len(frame):
            deepest = (frame["level"] == deepest_level).to_numpy()
        with h5py.File(path, "a") as handle:
            if aggregated is None:
                names = np.array(numeric.columns, dtype=h5py.string_dtype("utf-8"))
                aggregated = _aggregated(handle.require_group("data/aggregated"), names)
            table = handle["data/aggregated/values"]
            rows = values[deepest]
            if len(rows):
                table.resize(table.shape[0] + len(rows), axis=0)
                table[-len(rows) :] = rows
            runs = handle.require_group("data/runs")
            if "run_dir" in frame and len(frame):
                run_dirs = [os.path.basename(str(run_dir)) for run_dir in frame["run_dir"]]
                columns = handle["data/aggregated/columns"]
                _run_groups(runs, run_dirs, values, columns, h5py)
    with h5py.File(path, "a") as handle:
        run_groups = handle.require_group("metadata/run_groups")
        for level in levels:
            group = run_groups.create_group(str(level["level"]))
            group.attrs["sampler"] = level["sampler"]["type"]
            group.attrs["executors"] = [e["type"] for e in level["executors"]]
            group.attrs["runners"] = [r["type"] for r in level["runners"]]


def _aggregated(group: Any, names: np.ndarray) -> bool:
    """`values` (growing by blocks) and `columns` of the deepest level's rows."""
    width = len(names)
    group.create_dataset(
        "values",
        shape=(0, width),
        maxshape=(None, width),
        dtype=float,
        chunks=(1024, max(width, 1)),
    )
    group.create_dataset("columns", data=names)
    return True
