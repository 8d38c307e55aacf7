"""`enchanted_dataset.csv` of a nested campaign holds the deepest level, as the original's."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from enchanted_surrogates.storage.columns import ColumnOrder
from enchanted_surrogates.storage.level_csv import DeepestLevelCsv


def test_the_file_starts_over_at_each_deeper_level(tmp_path: Path) -> None:
    table = DeepestLevelCsv(tmp_path / "d.csv", ColumnOrder(["x"], ["r"], levels=True))
    for level, count in ((0, 2), (1, 4), (2, 3)):
        for i in range(count):
            table.append({"level": level, "x": float(i), "out": level * 10 + i})
        table.flush()
        rows = pd.read_csv(tmp_path / "d.csv")
        assert len(rows) == count and set(rows["level"]) == {level}
    table.close()
    assert list(pd.read_csv(tmp_path / "d.csv")["out"]) == [20, 21, 22]
