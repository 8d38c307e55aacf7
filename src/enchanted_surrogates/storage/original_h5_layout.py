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


def _numeric(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.select_dtypes(include=[np.number])


def _put_table(group: Any, frame: pd.DataFrame, h5py: Any) -> None:
    numeric = _numeric(frame)
    group.create_dataset("values", data=numeric.to_numpy(dtype=float))
    group.create_dataset(
        "columns", data=np.array(numeric.columns, dtype=h5py.string_dtype("utf-8"))
    )


def write_original_layout(path: str | Path, frame: pd.DataFrame, levels_json: str) -> None:
    """Add the original's groups to the HDF5 file at `path` from the campaign's rows."""
    import h5py

    with h5py.File(path, "a") as handle:
        for name in ("data", "metadata"):
            if name in handle:
                del handle[name]
        runs = handle.require_group("data/runs")
        if "run_dir" in frame:
            for index, run_dir in enumerate(frame["run_dir"]):
                name = os.path.basename(str(run_dir))
                if name in runs:  # a run dir named twice: its last row wins
                    del runs[name]
                _put_table(runs.create_group(name), frame.iloc[[index]], h5py)
        deepest = frame
        if "level" in frame and len(frame):
            deepest = frame[frame["level"] == frame["level"].max()]
        _put_table(handle.require_group("data/aggregated"), deepest, h5py)
        run_groups = handle.require_group("metadata/run_groups")
        for level in json.loads(levels_json or "[]"):
            group = run_groups.create_group(str(level["level"]))
            group.attrs["sampler"] = level["sampler"]["type"]
            group.attrs["executors"] = [e["type"] for e in level["executors"]]
            group.attrs["runners"] = [r["type"] for r in level["runners"]]
