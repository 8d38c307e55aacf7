"""`enchanted_dataset.csv`, appended row by row as results arrive.

Rows are appended without holding the dataset in memory. When a row brings a column the
header lacks (say the first success after a batch of failures), the file is rewritten once
with the wider header, streaming, and swapped in atomically.
"""

from __future__ import annotations

import contextlib
import csv
import os
import sys
from pathlib import Path

from enchanted_surrogates.storage.columns import ColumnOrder

DATASET_FILE = "enchanted_dataset.csv"

# A cell may hold a long error message or output; reading back must never refuse it.
csv.field_size_limit(sys.maxsize)


class CsvDataset:
    def __init__(self, path: str | Path, order: ColumnOrder) -> None:
        self.path = Path(path)
        self.order = order
        self._header = order.columns()
        self._handle = open(self.path, "w", newline="", encoding="utf-8")  # noqa: SIM115
        self._writer = csv.writer(self._handle)
        self._writer.writerow(self._header)
        self.rows = 0

    def append(self, row: dict) -> None:
        if self.order.add(row):
            self._widen()
        self._writer.writerow(_cell(row.get(column)) for column in self._header)
        self.rows += 1

    def flush(self) -> None:
        self._handle.flush()

    def _widen(self) -> None:
        """Rewrite the file with the grown header; old rows get empty new cells."""
        new_header = self.order.columns()
        self._handle.close()
        tmp = self.path.with_suffix(".csv.tmp")
        with (
            open(self.path, newline="", encoding="utf-8") as src,
            open(tmp, "w", newline="", encoding="utf-8") as dst,
        ):
            reader = csv.DictReader(src)
            writer = csv.writer(dst)
            writer.writerow(new_header)
            for old in reader:
                writer.writerow(old.get(column, "") for column in new_header)
        os.replace(tmp, self.path)
        self._header = new_header
        self._handle = open(self.path, "a", newline="", encoding="utf-8")  # noqa: SIM115
        self._writer = csv.writer(self._handle)

    def close(self) -> None:
        if not self._handle.closed:
            self._handle.close()

    def abandon(self) -> None:
        """Stop writing after an error; the rows written so far stay readable."""
        with contextlib.suppress(OSError):
            self.close()


def _cell(value: object) -> object:
    return "" if value is None else value
