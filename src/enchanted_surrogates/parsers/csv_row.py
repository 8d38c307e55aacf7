"""Outputs a code writes as a table: one row of a CSV file with a header."""

from __future__ import annotations

import csv
import io
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from enchanted_surrogates.parsers.base import Parser
from enchanted_surrogates.parsers.files import read_text
from enchanted_surrogates.parsers.run_dir_path import RunDirPath
from enchanted_surrogates.parsers.values import to_number
from enchanted_surrogates.runs.errors import RunError


class CsvRowParser(Parser):
    """One row of a CSV file, keyed by its header; numbers become numbers.

    The last row by default: codes that log a table per iteration end with the final state.
    """

    class Config(BaseModel):
        model_config = ConfigDict(extra="forbid", title="CsvRowParser")

        file: RunDirPath = Field(
            description="the CSV file in the run directory (first line: header)"
        )
        row: int = Field(-1, description="which data row: 0 is the first, -1 the last")

    def __init__(self, **kwargs: Any) -> None:
        cfg = self.Config(**kwargs)
        self.file = cfg.file
        self.row = cfg.row

    def read_output(self, run_dir: str) -> dict:
        rows = list(csv.DictReader(io.StringIO(read_text(run_dir, self.file))))
        if not -len(rows) <= self.row < len(rows):
            raise RunError(
                f"output file '{self.file}' has {len(rows)} data rows, no row {self.row}"
            )
        row = rows[self.row].items()
        # key None collects cells beyond the header: they have no column name.
        return {key: to_number(value) for key, value in row if key is not None}
