"""Derive the dataset files from the journal, so a crash between writing the journal and
writing the CSV can neither duplicate nor drop a row."""

from __future__ import annotations

from pathlib import Path

import yaml

from enchanted_surrogates.journal import JOURNAL_FILE
from enchanted_surrogates.replay import CampaignHistory, replay
from enchanted_surrogates.storage.columns import ColumnOrder
from enchanted_surrogates.storage.csv_dataset import DATASET_FILE, CsvDataset

LAST_COMPLETE_FILE = "last_complete_enchanted_dataset.csv"


def column_order(history: CampaignHistory) -> ColumnOrder:
    """Parameters in the order the levels asked them, runners in run_order order."""
    parameters = [
        key
        for index in sorted(history.levels)
        for point in list(history.levels[index].points.values())[:1]
        for key in point
    ]
    runners: list[str] = []
    config = yaml.safe_load(history.config_text) or {}
    for entry in (config.get("supervisor") or {}).get("run_order") or []:
        names = entry.get("runner", [])
        runners.extend([names] if isinstance(names, str) else names)
    return ColumnOrder(parameters, runners, levels=len(history.levels) > 1)


def write_dataset(base: Path, history: CampaignHistory, order: ColumnOrder) -> CsvDataset:
    """A fresh enchanted_dataset.csv holding every final row, left open for appending."""
    dataset = CsvDataset(base / DATASET_FILE, order)
    for row in history.final_rows:
        dataset.append(row)
    dataset.flush()
    return dataset


def write_last_complete(base: Path, rows: list[dict], order: ColumnOrder) -> None:
    """The rows of the last finished level, swapped in atomically."""
    path = base / LAST_COMPLETE_FILE
    tmp = path.with_suffix(".csv.tmp")
    level_order = ColumnOrder(order.parameters, order.runners, levels=True)
    level_order.outputs = list(order.outputs)
    table = CsvDataset(tmp, level_order)
    for row in rows:
        table.append(row)
    table.close()
    tmp.replace(path)


def rebuild(base: str | Path) -> int:
    """`enchanted rebuild`: rewrite the dataset files from the journal; return the row count."""
    base = Path(base)
    history = replay(base / JOURNAL_FILE)
    order = column_order(history)
    write_dataset(base, history, order).close()
    finished = [index for index, level in history.levels.items() if level.finished]
    if len(history.levels) > 1 and finished:
        last = history.levels[max(finished)]
        write_last_complete(base, [last.ended[key] for key in sorted(last.ended)], order)
    return len(history.final_rows)
