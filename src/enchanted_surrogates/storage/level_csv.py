"""The original's meaning of `enchanted_dataset.csv` in a nested campaign: the rows of the
deepest level reached so far, while `enchanted_all_levels_dataset.csv` keeps every level.

Rows arrive level by level (a level starts once the previous one has finished), so the
file starts over when the first row of a deeper level arrives, as the original's did.
"""

from __future__ import annotations

from pathlib import Path

from enchanted_surrogates.storage.columns import ColumnOrder
from enchanted_surrogates.storage.csv_dataset import CsvDataset

ALL_LEVELS_FILE = "enchanted_all_levels_dataset.csv"


class DeepestLevelCsv(CsvDataset):
    """A CSV holding only the rows of the deepest `level` appended so far."""

    def __init__(self, path: str | Path, order: ColumnOrder) -> None:
        super().__init__(path, order)
        self.level: int | None = None

    def append(self, row: dict) -> None:
        level = row.get("level")
        if isinstance(level, int) and self.level is not None and level > self.level:
            self._start_over()
        if isinstance(level, int):
            self.level = level if self.level is None else max(self.level, level)
        super().append(row)

    def _start_over(self) -> None:
        """Truncate to a header-only file with the columns known so far."""
        self.close()
        CsvDataset.__init__(self, self.path, self.order)
