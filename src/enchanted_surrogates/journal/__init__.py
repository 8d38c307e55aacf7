"""The journal: an append-only JSON-lines log of everything that happened in a campaign.

It is the truth from which every dataset file is derived. Events are buffered and handed
to the OS by `flush()`, which the supervisor calls each time before it waits for the
next result (so a killed supervisor loses at most the events of its current wake-up,
whose runs a resume simply redoes); `fsync` runs in groups, at most every
`sync_interval` seconds, so durability against a machine crash costs one fsync per group
rather than one per run. A torn last line, left by a crash in
the middle of a write, is ignored on read.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from enchanted_surrogates.journal import lines as journal_lines
from enchanted_surrogates.journal.codec import dumps

JOURNAL_FILE = "journal.jsonl"


class Journal:
    """Appends events to `path`; only the supervisor process writes it."""

    def __init__(self, path: str | Path, sync_interval: float = 0.5) -> None:
        self.path = Path(path)
        self.sync_interval = sync_interval
        _drop_torn_tail(self.path)
        self._handle = open(self.path, "ab")  # noqa: SIM115 - lives with self
        self._last_sync = time.monotonic()
        self._unsynced = False

    def append(self, event: str, **fields: Any) -> None:
        record = {"event": event, "t": round(time.time(), 6), **fields}
        self._handle.write(dumps(record) + b"\n")
        self._unsynced = True

    def flush(self) -> None:
        """Hand buffered events to the OS; fsync too if the last sync is old enough."""
        self._handle.flush()
        if time.monotonic() - self._last_sync >= self.sync_interval:
            self.sync()

    def sync(self) -> None:
        """Make everything appended so far durable on disk."""
        if self._unsynced and not self._handle.closed:
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._unsynced = False
        self._last_sync = time.monotonic()

    def close(self) -> None:
        if not self._handle.closed:
            self.sync()
            self._handle.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _drop_torn_tail(path: Path) -> None:
    """Cut an incomplete last line (a crash mid-write) so new events start on a fresh line."""
    if not path.exists():
        return
    with open(path, "rb+") as handle:
        size = handle.seek(0, os.SEEK_END)
        if size == 0:
            return
        handle.seek(size - 1)
        if handle.read(1) == b"\n":
            return
        block = min(size, 1 << 16)
        while True:
            handle.seek(size - block)
            chunk = handle.read(block)
            cut = chunk.rfind(b"\n")
            if cut >= 0 or block == size:
                handle.truncate(size - block + cut + 1 if cut >= 0 else 0)
                return
            block = min(size, block * 2)


@dataclass
class JournalPosition:
    """How far a read got: the byte after the last complete line and the lines up to it,
    and how many lines were set aside on the way (a checkpoint covers clean reads only)."""

    offset: int = 0
    lines: int = 0
    bad: int = 0


def read_journal(
    path: str | Path,
    containing: str | tuple[str, ...] | None = None,
    at: JournalPosition | None = None,
) -> Iterator[dict[str, Any]]:
    """Replay the events of a journal in order, skipping a torn (incomplete) last line and
    setting aside unusable lines (see journal_lines).
    With `containing`, lines without that text (any of them, for a tuple) are skipped
    unparsed (a fast filter).
    With `at`, reading starts at that position and moves it along, line by line."""
    at = at if at is not None else JournalPosition()
    wanted = (containing,) if isinstance(containing, str) else containing
    needles = tuple(text.encode() for text in wanted) if wanted is not None else None
    bad: list[tuple[int, str, str]] = []
    with open(path, "rb") as handle:
        handle.seek(at.offset)
        for raw in handle:
            if not raw.endswith(b"\n"):
                break  # torn tail: the write that made it never completed
            at.offset += len(raw)
            at.lines += 1
            if needles is not None and not any(needle in raw for needle in needles):
                continue
            line = raw.decode("utf-8", errors="replace")
            record, reason = journal_lines.parse(line)
            if record is None:
                bad.append((at.lines, reason, line))
                at.bad += 1
            else:
                yield record
    if bad and containing is None:  # a filtered read sees only some of the lines
        journal_lines.set_aside(Path(path), bad)
