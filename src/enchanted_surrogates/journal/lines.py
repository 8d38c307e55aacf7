"""Journal lines that cannot be used: set aside with a warning, never a dead end.

A line that is not JSON, or an event without the keys its kind needs, would otherwise stop
`status`, `rebuild` and `--resume` with a traceback, and with them every good line after
it. Readers skip such lines; the lines go to a quarantine file next to the journal (its
content rewritten on each read, so reading twice does not repeat them) and one warning
names their numbers. The journal itself is never rewritten.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from enchanted_surrogates.journal.codec import loads

log = logging.getLogger(__name__)

QUARANTINE_SUFFIX = ".quarantine"
RUN_KEYS = ("level", "stage", "index", "parent")
REQUIRED: dict[str, tuple[str, ...]] = {
    "level_started": ("level",),
    "level_finished": ("level",),
    "asked": ("level", "index", "point"),
    "submitted": ("run_id", *RUN_KEYS, "params"),
    "retry": ("level", "index", "parent", "attempt"),
    "finished": ("run_id", *RUN_KEYS, "row"),
    "failed": ("run_id", *RUN_KEYS, "row"),
    "reopened": ("run_id", *RUN_KEYS, "params", "attempt"),
}


def parse(line: str) -> tuple[dict[str, Any] | None, str]:
    """The event on `line`, or None with the reason it cannot be used."""
    try:
        record = loads(line)  # orjson where installed; stdlib errors either way
    except json.JSONDecodeError as exc:
        return None, f"not JSON ({exc.msg})"
    if not isinstance(record, dict) or not isinstance(record.get("event"), str):
        return None, "no event name"
    missing = [key for key in REQUIRED.get(record["event"], ()) if key not in record]
    if missing:
        return None, f"{record['event']} event without {', '.join(missing)}"
    if "row" in record and not isinstance(record["row"], dict):
        return None, "row is not an object"
    return record, ""


def set_aside(journal: Path, bad: list[tuple[int, str, str]]) -> None:
    """Write the unusable lines (number, reason, text) to the quarantine file and warn once."""
    quarantine = journal.with_name(journal.name + QUARANTINE_SUFFIX)
    try:
        with open(quarantine, "w", encoding="utf-8") as handle:
            for number, reason, text in bad:
                handle.write(f"{number}\t{reason}\t{text.rstrip()}\n")
        where = f"copied to {quarantine}"
    except OSError as exc:
        where = f"(could not copy them to {quarantine}: {exc.strerror})"
    numbers = ", ".join(str(number) for number, _, _ in bad[:20])
    more = f" and {len(bad) - 20} more" if len(bad) > 20 else ""
    log.warning(
        "%s: skipped %d unusable line(s) (line %s%s: %s), %s; every other line is used",
        journal,
        len(bad),
        numbers,
        more,
        bad[0][1],
        where,
    )
