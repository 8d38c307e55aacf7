"""Every dataset file a campaign asked for, fed the same rows as results arrive."""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

from enchanted_surrogates.storage.column_kinds import ColumnKinds
from enchanted_surrogates.storage.columns import ColumnOrder
from enchanted_surrogates.storage.csv_dataset import DATASET_FILE, CsvDataset
from enchanted_surrogates.storage.hdf5_dataset import HDF5_FILE, Hdf5Dataset
from enchanted_surrogates.storage.level_csv import ALL_LEVELS_FILE, DeepestLevelCsv
from enchanted_surrogates.storage.parquet_dataset import PARQUET_FILE, ParquetDataset

log = logging.getLogger("enchanted_surrogates.storage")

FORMAT_FILES = {"csv": DATASET_FILE, "parquet": PARQUET_FILE, "hdf5": HDF5_FILE}


class DatasetFile(Protocol):
    path: Path

    def append(self, row: dict[str, Any]) -> None: ...
    def flush(self) -> None: ...
    def close(self) -> None: ...
    def abandon(self) -> None: ...


def formats(summary_datatype: str, storage_type: str) -> list[str]:
    """Which files the config asks for: the summary table(s) and, unless off, runs.h5."""
    chosen = {"csv": ["csv"], "parquet": ["parquet"], "both": ["csv", "parquet"]}
    return chosen[summary_datatype] + (["hdf5"] if storage_type == "hdf5" else [])


def open_dataset(
    fmt: str,
    path: str | Path,
    order: ColumnOrder,
    kinds: ColumnKinds | None = None,
    metadata: dict[str, str] | None = None,
) -> DatasetFile:
    if fmt == "csv":
        return CsvDataset(path, order)
    writer = ParquetDataset if fmt == "parquet" else Hdf5Dataset
    return writer(path, order, kinds, metadata=metadata)


class Datasets:
    """The fan-out the recorder writes to; `rows` counts the rows appended.

    A file that cannot be written (a full disk, a column name the format refuses) is
    dropped with one error in the log instead of stopping the campaign: the journal
    still holds every row, and `enchanted rebuild` or `enchanted export` recreate it.
    """

    def __init__(self, files: list[DatasetFile]) -> None:
        self.files = files
        self.rows = 0
        self.failed: list[str] = []  # paths of the files dropped

    def _each(self, action: str, *args: Any) -> None:
        for file in list(self.files):
            try:
                getattr(file, action)(*args)
            except Exception as exc:
                self.files.remove(file)
                self.failed.append(str(file.path))
                file.abandon()
                log.error(
                    "could not write %s (%s: %s); the campaign goes on and the journal keeps "
                    "every row: recreate it with 'enchanted rebuild' or 'enchanted export'",
                    file.path,
                    type(exc).__name__,
                    exc,
                )

    def append(self, row: dict[str, Any]) -> None:
        self._each("append", row)
        self.rows += 1

    def extend(self, rows: Iterable[dict[str, Any]]) -> None:
        for row in rows:
            self.append(row)

    def flush(self) -> None:
        self._each("flush")

    def close(self, disk_full: bool = False) -> None:
        """Finish every file; on a full disk, give up the ones that write much at the end
        (HDF5 libraries handle a failed write badly, up to a crash): the journal holds
        their rows and `--resume` writes them again."""
        if disk_full:
            for file in [f for f in self.files if isinstance(f, Hdf5Dataset)]:
                self.files.remove(file)
                self.failed.append(str(file.path))
                file.abandon()
                log.info("%s left out: the disk is full; --resume writes it again", file.path)
        self._each("close")

    def complete_paths(self) -> list[Path] | None:
        """The files, if every one was written without an error (kept_datasets)."""
        return None if self.failed else [file.path for file in self.files]


def open_datasets(
    base: Path,
    fmts: list[str],
    order: ColumnOrder,
    kinds: ColumnKinds | None = None,
    metadata: dict[str, str] | None = None,
) -> Datasets:
    files = [open_dataset(fmt, base / FORMAT_FILES[fmt], order, kinds, metadata) for fmt in fmts]
    if order.levels and "csv" in fmts:  # nested: the original's file meanings (level_csv.py)
        files[fmts.index("csv")] = DeepestLevelCsv(base / DATASET_FILE, order)
        files.append(CsvDataset(base / ALL_LEVELS_FILE, copy.deepcopy(order)))  # own header
    return Datasets(files)
