"""Load a campaign's dataset from any of its files into one consistent DataFrame.

CSV, Parquet and HDF5 each lose something (a CSV has no dtypes, HDF5 has no missing
booleans); this puts it back, so the three files of one campaign load equal: missing
booleans become pandas' nullable `boolean`, integers with gaps are floats in all three,
and a column with no values at all is text.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from enchanted_surrogates.storage.dataset_path import dataset_path
from enchanted_surrogates.storage.hdf5_dataset import KEY


def load_dataset(path: str | Path) -> pd.DataFrame:
    """The dataset in `path` (a base run dir or one of its dataset files)."""
    path = Path(path)
    if path.is_dir():
        path = dataset_path(path)
    if path.suffix == ".parquet":
        frame = _booleans(pd.read_parquet(path))
    elif path.suffix in (".h5", ".hdf5"):
        frame = _from_hdf5(path)
    else:
        frame = _booleans(pd.read_csv(path))
    return _empty_as_text(frame)


def _empty_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """A column with no value at all (say `error` when nothing failed) has no dtype to
    keep; every format loads it as text, the kind it most often is."""
    if not len(frame):
        return frame.astype("str")
    for column in frame.columns:
        if len(frame) and frame[column].isna().all():
            frame[column] = frame[column].astype("str")
    return frame


def _booleans(frame: pd.DataFrame) -> pd.DataFrame:
    """Object columns of only True/False/missing become nullable booleans."""
    for column in frame.columns:
        values = frame[column]
        if values.dtype == object:
            present = values.dropna()
            if len(present) and all(isinstance(v, bool) for v in present):
                frame[column] = values.astype("boolean")
    return frame


def _from_hdf5(path: Path) -> pd.DataFrame:
    with pd.HDFStore(path, mode="r") as store:
        frame = store.select(KEY)
        kinds: dict[str, Any] = json.loads(
            getattr(store.get_storer(KEY).attrs, "column_kinds", "{}")
        )
    frame.index = pd.RangeIndex(len(frame))
    for column, kind in kinds.items():
        if column in frame and kind == "bool?":
            values = frame[column].map({1.0: True, 0.0: False})
            frame[column] = values.astype("boolean" if values.isna().any() else bool)
    return frame
