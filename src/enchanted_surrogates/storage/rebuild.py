"""Derive the dataset files from the journal, so a crash between writing the journal and
writing a dataset file can neither duplicate nor drop a row.

Everything here streams the journal: one pass learns the columns and their kinds, a
second writes the rows, so rebuilding a 100,000-run campaign does not hold its dataset.
"""

from __future__ import annotations

import getpass
import json
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from enchanted_surrogates import __version__
from enchanted_surrogates.config import yaml12
from enchanted_surrogates.config.legacy import upgrade_legacy_layout
from enchanted_surrogates.journal import JOURNAL_FILE, read_journal
from enchanted_surrogates.journal.replay import iter_final_rows, replay
from enchanted_surrogates.storage.column_kinds import ColumnKinds, bookkeeping_seeds
from enchanted_surrogates.storage.columns import ColumnOrder
from enchanted_surrogates.storage.csv_dataset import CsvDataset
from enchanted_surrogates.storage.datasets import Datasets, formats, open_datasets

LAST_COMPLETE_FILE = "last_complete_enchanted_dataset.csv"


def recorded_config(config_text: str) -> dict[str, Any]:
    """The config a journal recorded, in the current layout (the original's singular
    `executor`/`sampler`/`runner` layout is upgraded as it is when loaded)."""
    data = yaml12.load(config_text) or {}
    return upgrade_legacy_layout(data, []) if isinstance(data, dict) else {}


def runner_names(config_text: str) -> list[str]:
    """Runner names in run_order order (the order of their bookkeeping columns)."""
    config = recorded_config(config_text)
    names: list[str] = []
    for entry in (config.get("supervisor") or {}).get("run_order") or []:
        runner = entry.get("runner", [])
        names.extend([runner] if isinstance(runner, str) else runner)
    return names


def configured_formats(config_text: str) -> list[str]:
    config = recorded_config(config_text)
    supervisor = config.get("supervisor") or {}
    storage = config.get("storage") or {}
    storage_type = str(storage.get("type", "hdf5") if "storage" in config else "none").lower()
    return formats(supervisor.get("summary_datatype", "csv"), storage_type)


def campaign_metadata(
    config_text: str, started_at: float, ended_at: float | None
) -> dict[str, str]:
    """Who ran what, where and when: stored with the typed dataset files."""
    stamp = "%Y-%m-%dT%H:%M:%S%z"
    metadata = {
        "config": config_text,
        "version": __version__,
        "user": getpass.getuser(),
        "host": socket.gethostname(),
        "levels": json.dumps(levels_metadata(config_text)),
        "started_at": time.strftime(stamp, time.localtime(started_at)),
    }
    if ended_at is not None:
        metadata["ended_at"] = time.strftime(stamp, time.localtime(ended_at))
    return metadata


def levels_metadata(config_text: str) -> list[dict[str, Any]]:
    """Sampler, runners and executors (name and type) of every level, from the config."""
    config = recorded_config(config_text)

    def typed(section: str, name: str) -> dict[str, str]:
        entry = (config.get(section) or {}).get(name) or {}
        return {"name": name, "type": str(entry.get("type", ""))}

    def listed(value: Any) -> list[str]:
        return [value] if isinstance(value, str) else list(value or [])

    levels = []
    for index, entry in enumerate((config.get("supervisor") or {}).get("run_order") or []):
        levels.append(
            {
                "level": index,
                "sampler": typed("samplers", entry.get("sampler", "")),
                "runners": [typed("runners", r) for r in listed(entry.get("runner"))],
                "executors": [typed("executors", e) for e in listed(entry.get("executor"))],
            }
        )
    return levels


@dataclass
class JournalSchema:
    """What one pass over the journal learns: columns, their kinds, the row count."""

    config_text: str = ""
    order: ColumnOrder = field(default_factory=ColumnOrder)
    kinds: ColumnKinds = field(default_factory=ColumnKinds)
    rows: int = 0
    started_at: float = 0.0
    ended_at: float | None = None


def new_schema(config_text: str, parameters: list[str], levels: bool) -> JournalSchema:
    runners = runner_names(config_text)
    order = ColumnOrder(parameters, runners, levels=levels)
    kinds = ColumnKinds(bookkeeping_seeds(runners))
    return JournalSchema(config_text, order, kinds)


def learn(schema: JournalSchema, rows: Iterable[dict[str, Any]]) -> JournalSchema:
    for row in rows:
        schema.order.add(row)
        schema.kinds.observe(row, schema.order.columns())
        schema.rows += 1
    return schema


def scan_journal(path: Path, keep: Any = None) -> JournalSchema:
    """Columns and kinds of the rows `keep(row)` accepts (all by default), streaming."""
    config_text, started, ended = "", 0.0, None
    parameters: dict[int, list[str]] = {}
    for event in read_journal(path):
        kind = event["event"]
        if kind == "campaign_started":
            config_text, started = event.get("config", ""), event.get("t", 0.0)
        elif kind == "campaign_resumed":
            config_text = event.get("config") or config_text  # the config it runs with now
        elif kind == "campaign_finished":
            ended = event.get("t")
        elif kind == "asked" and event["level"] not in parameters:
            parameters[event["level"]] = list(event["point"])
    names = [p for level in sorted(parameters) for p in parameters[level]]
    schema = new_schema(config_text, names, levels=len(parameters) > 1)
    schema.started_at, schema.ended_at = started, ended
    rows = iter_final_rows(path)
    return learn(schema, rows if keep is None else filter(keep, rows))


def write_last_complete(base: Path, rows: list[dict], order: ColumnOrder) -> None:
    """The rows of the last finished level that a deeper level fans out of (the original's
    meaning: the parents of the deepest level reached), swapped in atomically."""
    path = base / LAST_COMPLETE_FILE
    tmp = path.with_suffix(".csv.tmp")
    level_order = ColumnOrder(order.parameters, order.runners, levels=True)
    present = {key for row in rows for key in row}  # a deeper level's columns are not its
    level_order.outputs = [column for column in order.outputs if column in present]
    table = CsvDataset(tmp, level_order)
    for row in rows:
        table.append(row)
    table.close()
    tmp.replace(path)


def rebuild(base: str | Path) -> int:
    """`enchanted rebuild`: rewrite the dataset files from the journal; return the row count.
    OSError when a dataset file could not be written, so nobody is told it was rebuilt."""
    base = Path(base)
    journal = base / JOURNAL_FILE
    schema = scan_journal(journal)
    metadata = campaign_metadata(schema.config_text, schema.started_at, schema.ended_at)
    files: Datasets = open_datasets(
        base, configured_formats(schema.config_text), schema.order, schema.kinds, metadata
    )
    files.extend(iter_final_rows(journal))
    files.close()
    if files.failed:
        raise OSError(f"could not write {', '.join(files.failed)} (see the error above)")
    history = replay(journal)
    deepest = (
        len((recorded_config(schema.config_text).get("supervisor") or {}).get("run_order") or [])
        - 1
    )
    finished = [i for i, level in history.levels.items() if level.finished and i != deepest]
    if len(history.levels) > 1 and finished:
        last = history.levels[max(finished)]
        write_last_complete(base, [last.ended[key] for key in sorted(last.ended)], schema.order)
    return files.rows
