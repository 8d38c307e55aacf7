"""Explicit points: run the rows of a CSV or Parquet file, in file order."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import ConfigDict, Field, NonNegativeInt, PositiveInt, model_validator

from enchanted_surrogates.samplers.base import Sampler, SamplerConfig
from enchanted_surrogates.samplers.points_file import PointsTable, read_points


class ExplicitPointsSampler(Sampler):
    """Runs given points: one file row per run, in the file's order.

    This is how a design made elsewhere (someone else's campaign, a marker workflow, a
    hand-picked list) is re-run. The rows are read once at start-up and point i is row i of
    the selection, so chunked asks and a resumed campaign see the same points.
    """

    class Config(SamplerConfig):
        model_config = ConfigDict(title="ExplicitPointsSampler")

        file: str = Field(description="CSV or Parquet (.parquet, .pq) file holding the points")
        columns: dict[str, str] | None = Field(
            None,
            description="parameter -> column of the file, for parameters whose column is "
            "named differently (default: the column of the same name)",
        )
        rows: list[NonNegativeInt] | None = Field(
            None, description="0-based data-row numbers to run, in this order (default: all)"
        )
        start: NonNegativeInt | None = Field(
            None, description="first data row to run (0-based); with `stop`, a slice"
        )
        stop: NonNegativeInt | None = Field(None, description="run rows before this one")
        budget: PositiveInt | None = Field(
            None, description="run only the first `budget` selected rows (default: all)"
        )

        @model_validator(mode="after")
        def _check_file(self) -> ExplicitPointsSampler.Config:
            path = Path(self.file)
            if not path.is_file():
                raise ValueError(
                    f"file: no file '{self.file}' (relative paths start at {os.getcwd()})"
                )
            self.file = str(path.resolve())
            if self.rows is not None and (self.start is not None or self.stop is not None):
                raise ValueError("rows: give a list of rows or start/stop, not both")
            if self.start is not None and self.stop is not None and self.stop < self.start:
                raise ValueError(f"stop: {self.stop} is before start {self.start}")
            unknown = sorted(set(self.columns or {}) - set(self.parameters))
            if unknown:
                raise ValueError(f"columns: {unknown} are not among the parameters")
            return self

        def column_of(self, parameter: str) -> str:
            """The file column that holds `parameter`."""
            return (self.columns or {}).get(parameter, parameter)

    config: Config

    def __init__(self, **kwargs: Any) -> None:
        super().__init__()
        cfg = self.Config(**kwargs)
        self.config = cfg
        self.parameters = list(cfg.parameters)
        self.bounds = None
        columns = [cfg.column_of(p) for p in cfg.parameters]
        self.points = self._select(read_points(Path(cfg.file), columns), cfg, columns)
        self.budget = min(cfg.budget, len(self.points)) if cfg.budget else len(self.points)
        self.batch_size = cfg.batch_size or self.budget

    @staticmethod
    def _select(table: PointsTable, cfg: Config, columns: list[str]) -> list[dict]:
        missing = [c for c in columns if c not in table.values]
        if missing:
            raise ValueError(
                f"file: no column {', '.join(map(repr, missing))} in {cfg.file} "
                f"(it has {', '.join(table.columns)}); map one with `columns`"
            )
        n = table.rows
        if cfg.rows is not None:
            outside = [r for r in cfg.rows if r >= n]
            if outside:
                raise ValueError(f"rows: {outside} beyond the file's {n} data rows")
            chosen = list(cfg.rows)
        else:
            chosen = list(range(n))[cfg.start : cfg.stop]
        if not chosen:
            raise ValueError(f"file: no rows selected from {cfg.file} ({n} data rows)")
        points = [{p: table.values[c][r] for p, c in zip(cfg.parameters, columns)} for r in chosen]
        for row, point in zip(chosen, points):
            if any(v is None for v in point.values()):
                raise ValueError(f"file: row {row} has no value for some parameter")
        return points

    def propose(self, n: int) -> list[dict]:
        return [dict(p) for p in self.points[self.submitted : self.submitted + n]]

    def describe(self) -> str:
        return (
            f"ExplicitPointsSampler: {self.budget} rows of {Path(self.config.file).name} "
            f"over {self.parameters}"
        )
