"""Shared shape of the typed dataset files (Parquet, HDF5): rows are buffered and written
as one block (a row group, a table append) every `block_rows` rows, or at a flush once
`max_delay` seconds have passed, so memory stays bounded and the file fills as results
arrive without one tiny block per run.

A typed file fixes its columns and dtypes; when rows bring a new column or widen a kind,
the file is rewritten once, streaming block by block, in the new layout.
"""

from __future__ import annotations

import contextlib
import copy
import importlib
import importlib.util
import time
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

from enchanted_surrogates.storage.column_kinds import NULL, ColumnKinds, logical
from enchanted_surrogates.storage.columns import ColumnOrder

BLOCK_ROWS = 10_000
MAX_DELAY_SEC = 60.0


def require(module: str, extra: str, what: str) -> Any:
    """Import an optional writer library, or say which extra installs it (a config names
    the extra at load time already; this is for direct use of the writers)."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise _missing(module, extra, what) from exc


def require_installed(module: str, extra: str, what: str) -> None:
    """Like `require`, for a library imported later (import_ahead): only checks that it
    is installed, without the import's cost."""
    if importlib.util.find_spec(module) is None:
        raise _missing(module, extra, what)


def _missing(module: str, extra: str, what: str) -> ImportError:
    return ImportError(f"{what} needs {module}: pip install 'enchanted-surrogates[{extra}]'")


class TableWriter(ABC):
    """Append rows to one typed file; subclasses say how a layout maps to the format."""

    def __init__(
        self,
        path: str | Path,
        order: ColumnOrder,
        kinds: ColumnKinds | None = None,
        block_rows: int = BLOCK_ROWS,
        max_delay: float = MAX_DELAY_SEC,
    ) -> None:
        self.path = Path(path)
        self.order = copy.deepcopy(order)
        self.kinds = copy.deepcopy(kinds) if kinds is not None else ColumnKinds()
        self.block_rows = block_rows
        self.max_delay = max_delay
        self.rows = 0  # written to the file
        self._buffer: list[dict[str, Any]] = []
        self._last_write = time.monotonic()
        self._layout: dict[str, Any] | None = None  # what the file holds now
        self._file_kinds: dict[str, str] = {}  # the kinds its values were written as

    def append(self, row: dict[str, Any]) -> None:
        self.order.add(row)
        self.kinds.observe(row, self.order.columns())
        self._buffer.append(row)
        if len(self._buffer) >= self.block_rows:
            self._write_block()

    def flush(self) -> None:
        if self._buffer and time.monotonic() - self._last_write >= self.max_delay:
            self._write_block()

    def close(self) -> None:
        self._write_block()
        if self._layout is None:  # no rows at all: still leave a valid, empty file
            self._layout = self.layout()
            self._create(self._layout)
        self._finish()

    def _write_block(self) -> None:
        self._last_write = time.monotonic()
        if not self._buffer:
            return
        layout = self.layout()
        if self._layout is None:
            self._create(layout)
        elif layout != self._layout:
            self._rewrite(layout)
        self._layout = layout
        self._append(self._buffer, layout)
        self._file_kinds = dict(self.kinds.kinds)
        self.rows += len(self._buffer)
        self._buffer = []

    def written_value(self, value: Any, column: str) -> Any:
        """A value read back from the file, as the plain value it was written as (an
        integer stored as 3.0 is 3 again), before it is converted to a wider kind."""
        return logical(value, self._file_kinds.get(column, NULL))

    def abandon(self) -> None:
        """Give up on this file after an error: release it and remove what is half-written."""
        with contextlib.suppress(Exception):
            self._discard()

    @abstractmethod
    def layout(self) -> dict[str, Any]:
        """The physical type of every column for the rows seen so far."""

    @abstractmethod
    def _create(self, layout: dict[str, Any]) -> None:
        """Start the file with this layout."""

    @abstractmethod
    def _append(self, rows: list[dict[str, Any]], layout: dict[str, Any]) -> None:
        """Write one block of rows."""

    @abstractmethod
    def _rewrite(self, layout: dict[str, Any]) -> None:
        """Convert what the file holds to a new layout, keep the file open for appending."""

    @abstractmethod
    def _finish(self) -> None:
        """Make the file complete and readable."""

    @abstractmethod
    def _discard(self) -> None:
        """Close whatever is open and delete the unfinished file."""
