"""`enchanted export`: the dataset in another format, straight from the journal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from enchanted_surrogates.config.errors import did_you_mean
from enchanted_surrogates.journal import JOURNAL_FILE
from enchanted_surrogates.journal.replay import iter_final_rows
from enchanted_surrogates.storage.columns import ColumnOrder
from enchanted_surrogates.storage.datasets import FORMAT_FILES, open_dataset
from enchanted_surrogates.storage.rebuild import (
    campaign_metadata,
    scan_journal,
)


class ExportError(Exception):
    """The export cannot be done as asked (no journal, unknown columns)."""


def _successful(row: dict[str, Any]) -> bool:
    return bool(row.get("success"))


class _Exactly(ColumnOrder):
    """A header of exactly the chosen columns, in the chosen order."""

    def __init__(self, columns: list[str]) -> None:
        super().__init__()
        self.fixed = list(columns)

    def columns(self) -> list[str]:
        return list(self.fixed)

    def add(self, row: dict) -> bool:
        return False


def export(
    base: str | Path,
    fmt: str,
    output: str | Path | None = None,
    successful_only: bool = False,
    columns: list[str] | None = None,
) -> tuple[Path, int]:
    """Write the campaign's dataset as `fmt` (csv, parquet, hdf5); return (path, rows)."""
    base = Path(base)
    journal = base / JOURNAL_FILE
    if not journal.exists():
        raise ExportError(f"{base}: no {JOURNAL_FILE} here to export from")
    keep = _successful if successful_only else None
    schema = scan_journal(journal, keep)
    order = schema.order
    if columns:
        known = order.columns()
        unknown = [c for c in columns if c not in known]
        if unknown:
            hints = [f"{c!r}{did_you_mean(c, known)}" for c in unknown]
            raise ExportError(
                f"unknown column(s): {', '.join(hints)}; the dataset has: {', '.join(known)}"
            )
        order = _Exactly(columns)
    path = Path(output) if output else Path(FORMAT_FILES[fmt])
    metadata = campaign_metadata(schema.config_text, schema.started_at, schema.ended_at)
    tmp = path.with_name(f".{path.name}.export")
    writer = open_dataset(fmt, tmp, order, schema.kinds, metadata)
    rows = 0
    for row in _selected(iter_final_rows(journal), successful_only, columns):
        writer.append(row)
        rows += 1
    writer.close()
    tmp.replace(path)
    return path, rows


def _selected(
    rows: Iterator[dict[str, Any]], successful_only: bool, columns: list[str] | None
) -> Iterator[dict[str, Any]]:
    for row in rows:
        if successful_only and not _successful(row):
            continue
        yield {c: row.get(c) for c in columns} if columns else row
