"""The original's groups in `runs.h5`, beside the pandas table, so its scripts keep working:

* `data/runs/<run dir name>/values` (one row) and `columns`: each run's numeric values;
* `data/aggregated/values` and `columns`: the numeric columns of the deepest level's rows;
* `metadata/run_groups/<level>`: attributes `sampler`, `executors` and `runners` (types).

Only numeric columns are stored (booleans and text are not), as the original did.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pandas is loaded by the caller that has a frame, not at import
    import pandas as pd


COMPACT_BYTES = 32 * 1024  # a run's row up to this size lives in its object header


def _put_table(group: Any, values: np.ndarray, columns: np.ndarray) -> Any:
    group.create_dataset("values", data=values)
    return group.create_dataset("columns", data=columns)


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
        group = h5py.h5g.create(runs.id, name.encode())
        row = h5py.h5d.create(group, b"values", h5py.h5t.IEEE_F64LE, space, dcpl=dcpl)
        row.write(h5py.h5s.ALL, h5py.h5s.ALL, np.ascontiguousarray(values[index : index + 1]))
        h5py.h5o.link(columns.id, group, b"columns")


def write_original_layout(path: str | Path, frame: pd.DataFrame, levels_json: str) -> None:
    """Add the original's groups to the HDF5 file at `path` from the campaign's rows."""
    import h5py

    numeric = frame.select_dtypes(include=[np.number])
    values = numeric.to_numpy(dtype=float)
    names = np.array(numeric.columns, dtype=h5py.string_dtype("utf-8"))
    with h5py.File(path, "a") as handle:
        for name in ("data", "metadata"):
            if name in handle:
                del handle[name]
        deepest = np.ones(len(frame), dtype=bool)
        if "level" in frame and len(frame):
            deepest = (frame["level"] == frame["level"].max()).to_numpy()
        columns = _put_table(handle.require_group("data/aggregated"), values[deepest], names)
        runs = handle.require_group("data/runs")
        if "run_dir" in frame:
            run_dirs = [os.path.basename(str(run_dir)) for run_dir in frame["run_dir"]]
            _run_groups(runs, run_dirs, values, columns, h5py)
        run_groups = handle.require_group("metadata/run_groups")
        for level in json.loads(levels_json or "[]"):
            group = run_groups.create_group(str(level["level"]))
            group.attrs["sampler"] = level["sampler"]["type"]
            group.attrs["executors"] = [e["type"] for e in level["executors"]]
            group.attrs["runners"] = [r["type"] for r in level["runners"]]
