"""What each dataset column holds, learned from the rows, so typed formats keep real dtypes.

A column's kind is `bool`, `int`, `float` or `str` (or `null` while only missing values
were seen) plus whether it may be missing. Kinds only ever widen (int + float -> float,
anything mixed -> str), so a file's schema changes at most a few times per column.
Empty strings count as missing, exactly as they read back from the CSV.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

NULL, BOOL, INT, FLOAT, STR = "null", "bool", "int", "float", "str"


def kind_of(value: Any) -> str:
    if value is None or value == "":
        return NULL
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int):
        return INT
    if isinstance(value, float):
        return FLOAT
    return STR


def widen(a: str, b: str) -> str:
    if a == b or b == NULL:
        return a
    if a == NULL:
        return b
    if {a, b} == {INT, FLOAT}:
        return FLOAT
    return STR


def logical(value: Any, kind: str) -> Any:
    """`value` as a plain Python value of `kind` (None when missing)."""
    if value is None or value == "" or kind == NULL:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None if kind != FLOAT else value
    if kind == STR:
        return value if isinstance(value, str) else str(value)
    if kind == FLOAT:
        return float(value)
    if kind == INT:
        return int(value)
    return bool(value)


class ColumnKinds:
    """The kind and nullability of every column seen so far."""

    def __init__(self, seeds: dict[str, tuple[str, bool]] | None = None) -> None:
        self.kinds: dict[str, str] = {}
        self.nullable: set[str] = set()
        self.rows = 0
        for column, (kind, nullable) in (seeds or {}).items():
            self.kinds[column] = kind
            if nullable:
                self.nullable.add(column)

    def observe(self, row: dict[str, Any], columns: Iterable[str]) -> None:
        """Learn from one row; `columns` is every column known, present in `row` or not."""
        for column in columns:
            value = row.get(column)
            kind = kind_of(value)
            if column not in self.kinds:
                self.kinds[column] = kind
                if self.rows:
                    self.nullable.add(column)  # the rows before it lack it
            else:
                self.kinds[column] = widen(self.kinds[column], kind)
            if kind == NULL:
                self.nullable.add(column)
        self.rows += 1

    def kind(self, column: str) -> str:
        return self.kinds.get(column, NULL)

    def as_dict(self) -> dict[str, str]:
        """Kinds with a `?` suffix when missing values occur, for file metadata."""
        return {c: k + ("?" if c in self.nullable else "") for c, k in self.kinds.items()}


def bookkeeping_seeds(runners: list[str]) -> dict[str, tuple[str, bool]]:
    """Known kinds of the framework's own columns, so a file starts with the right schema.
    With several runners, a later one's columns are missing where a chain stopped early
    (or in an earlier level's rows); the first runner's are never missing."""
    seeds: dict[str, tuple[str, bool]] = {
        "success": (BOOL, False),
        "status": (STR, False),
        "error": (STR, True),
        "run_dir": (STR, False),
    }
    for position, name in enumerate(runners):
        later = position > 0
        seeds[f"success_{name}"] = (BOOL, later)
        seeds[f"runtime_sec_{name}"] = (FLOAT, later)
        seeds[f"cpu_sec_{name}"] = (FLOAT, True)  # not measured for a run that never ran
        seeds[f"max_rss_mb_{name}"] = (FLOAT, True)
    return seeds
