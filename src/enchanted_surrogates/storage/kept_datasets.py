"""Dataset files kept as they are on a resume that adds no row to them.

Rewriting the dataset from the journal is most of resuming a large finished campaign. A
session that closed its dataset files cleanly leaves a stamp in the journal's checkpoint
(journal_checkpoint): the config they were written for and each file's size and
modification time, for the journal prefix they hold every row of. A resume keeps the
files only if that checkpoint section still matches the journal, no final row was
journaled after it, the config is the same and every file is exactly as stamped. Even
then the files are only kept until a new row arrives: the first one rewrites them from
the journal (as every resume did before) and appends from there on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from enchanted_surrogates.journal import JournalPosition, read_journal
from enchanted_surrogates.journal.checkpoint import section
from enchanted_surrogates.storage.datasets import Datasets

log = logging.getLogger("enchanted_surrogates.storage")

STAMP_KEY = "dataset"


def stamp(paths: Iterable[Path], config_hash: str) -> dict[str, Any]:
    """What the closed dataset files are: checked again before a resume keeps them."""
    files = []
    for path in paths:
        info = path.stat()
        files.append([path.name, info.st_size, info.st_mtime_ns])
    return {"config_hash": config_hash, "files": files}


def still_complete(journal: Path, paths: list[Path], config_hash: str) -> bool:
    """Whether these files hold every row of the journal, as a clean close left them."""
    found = section(journal, STAMP_KEY)
    if found is None:
        return False
    state, at = found
    if state.get("config_hash") != config_hash:
        return False
    try:
        now = [[path.name, path.stat().st_size, path.stat().st_mtime_ns] for path in paths]
    except OSError:
        return False
    if now != state.get("files"):
        return False
    tail = JournalPosition(at.offset, at.lines)
    for event in read_journal(journal, containing='"final":true', at=tail):
        if event["event"] in ("finished", "failed") and event.get("final"):
            return False  # a row the files were closed without
    return True


class KeptDatasets:
    """Stands in for `Datasets` while the files on disk are complete: nothing is written
    until the first row, which opens them through `reopen` (a full rewrite)."""

    def __init__(self, reopen: Callable[[], Datasets], paths: list[Path]) -> None:
        self._reopen = reopen
        self._open: Datasets | None = None
        self.paths = paths
        self.failed: list[str] = []

    @property
    def files(self) -> list[Any]:
        return self._open.files if self._open is not None else []

    @property
    def kept(self) -> bool:
        """True while the files are still the ones found on disk."""
        return self._open is None

    def append(self, row: dict[str, Any]) -> None:
        if self._open is None:
            log.info("a new row: rewriting the dataset files from the journal")
            self._open = self._reopen()
            self.failed = self._open.failed
        self._open.append(row)

    def extend(self, rows: Iterable[dict[str, Any]]) -> None:
        for row in rows:
            self.append(row)

    def flush(self) -> None:
        if self._open is not None:
            self._open.flush()

    def close(self, disk_full: bool = False) -> None:
        if self._open is not None:
            self._open.close(disk_full)

    def complete_paths(self) -> list[Path] | None:
        return self.paths if self._open is None else self._open.complete_paths()
