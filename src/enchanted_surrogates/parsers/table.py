"""A table a code prints or writes (a thermo or history table): one reader, not a regex per column.

The table starts at its header line (the first line of the text, or the last line matching
`start`, since codes print progress tables before the final one) and runs while the lines
have as many numeric fields as the header has names.
"""

from __future__ import annotations

import re
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import ConfigDict, Field, field_validator, model_validator

from enchanted_surrogates.parsers.base import Parser
from enchanted_surrogates.parsers.files import SourceConfig, read_text
from enchanted_surrogates.parsers.values import to_number
from enchanted_surrogates.runs.errors import RunError

STATISTICS = ("last", "mean", "std", "min", "max")


class TableParser(Parser):
    """The last row of a table, or a statistic over its last N rows, one column per name."""

    class Config(SourceConfig):
        model_config = ConfigDict(title="TableParser")

        start: str | None = Field(
            None,
            description="a regex matching the header line, e.g. '^\\s*Step\\s'; the last "
            "match is used. Default: the first line of the text",
        )
        delimiter: Literal["whitespace", "comma"] = Field(
            "whitespace", description="how cells are separated"
        )
        columns: list[str] | None = Field(
            None, description="the columns to read; default: all of them"
        )
        statistic: Literal["last", "mean", "std", "min", "max"] = Field(
            "last", description="last row, or a statistic over the last `rows` rows"
        )
        rows: int | None = Field(
            None, ge=1, description="how many final rows the statistic covers; default: all"
        )
        prefix: str = Field("", description="put before each column name, e.g. 'thermo_'")

        @field_validator("start")
        @classmethod
        def _compiles(cls, start: str | None) -> str | None:
            if start is not None:
                try:
                    re.compile(start)
                except re.error as exc:
                    raise ValueError(f"not a valid regular expression: {exc}") from None
            return start

        @model_validator(mode="after")
        def _rows_need_a_statistic(self) -> TableParser.Config:
            if self.rows is not None and self.statistic == "last":
                raise ValueError("rows: only used with a statistic (mean, std, min or max)")
            return self

    def __init__(self, **kwargs: Any) -> None:
        cfg = self.Config(**kwargs)
        self.source = cfg.file_name()
        self.start = re.compile(cfg.start) if cfg.start else None
        self.separator = r"\s+" if cfg.delimiter == "whitespace" else r"\s*,\s*"
        self.columns = cfg.columns
        self.statistic = cfg.statistic
        self.rows = cfg.rows
        self.prefix = cfg.prefix

    def read_output(self, run_dir: str) -> dict:
        table = self._table(read_text(run_dir, self.source).splitlines())
        columns = self.columns if self.columns is not None else list(table.columns)
        missing = [name for name in columns if name not in table.columns]
        if missing:
            raise RunError(f"the table in {self.source} has no column {', '.join(missing)}")
        if self.statistic == "last":
            values = table[columns].iloc[-1]
        else:
            tail = table[columns].iloc[-self.rows :] if self.rows else table[columns]
            values = getattr(tail, self.statistic)()
        return {f"{self.prefix}{name}": _plain(values[name]) for name in columns}

    def _table(self, lines: list[str]) -> pd.DataFrame:
        """The numeric rows under the header (Fortran `1.5d-3` included)."""
        first = 0
        if self.start is not None:
            starts = [i for i, line in enumerate(lines) if self.start.search(line)]
            if not starts:
                raise RunError(f"no table header /{self.start.pattern}/ in {self.source}")
            first = starts[-1]
        names = re.split(self.separator, lines[first].strip()) if lines else []
        body = []
        for line in lines[first + 1 :]:
            cells = [to_number(cell) for cell in re.split(self.separator, line.strip())]
            if len(cells) != len(names) or not all(_is_number(cell) for cell in cells):
                break
            body.append(cells)
        if not body:
            raise RunError(f"the table in {self.source} has no numeric rows under its header")
        return pd.DataFrame(body, columns=names)


def _is_number(cell: Any) -> bool:
    return isinstance(cell, (int, float))


def _plain(value: Any) -> Any:
    """A numpy scalar as a Python number, for the dataset."""
    return value.item() if isinstance(value, np.generic) else value
