"""Which file holds a campaign's dataset, without importing pandas: `enchanted run` names
it when it finishes, and should not pay pandas' start-up for that."""

from __future__ import annotations

from pathlib import Path

from enchanted_surrogates.storage.csv_dataset import DATASET_FILE
from enchanted_surrogates.storage.hdf5_dataset import HDF5_FILE
from enchanted_surrogates.storage.level_csv import ALL_LEVELS_FILE
from enchanted_surrogates.storage.parquet_dataset import PARQUET_FILE


def dataset_path(base: str | Path) -> Path:
    """The dataset file of a base run dir with every row: the CSV (of all levels, for a
    nested campaign), else the Parquet, else runs.h5."""
    base = Path(base)
    for name in (ALL_LEVELS_FILE, DATASET_FILE, PARQUET_FILE, HDF5_FILE):
        if (base / name).exists():
            return base / name
    raise FileNotFoundError(f"{base}: no {DATASET_FILE}, {PARQUET_FILE} or {HDF5_FILE}")
