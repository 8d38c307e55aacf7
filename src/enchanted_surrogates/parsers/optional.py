"""Outputs a run may lack: an extra diagnostic one run does not print must not fail it."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, model_validator

from enchanted_surrogates.parsers.base import Parser
from enchanted_surrogates.runs.errors import RunError


class OptionalKeys(BaseModel):
    """The keys every `outputs` entry takes besides its reader's own."""

    optional: bool = Field(
        False, description="a missing file, match or key leaves the columns at `default`"
    )
    default: dict[str, Any] = Field(
        default_factory=dict,
        description="the columns an optional reader gives when its output is absent",
    )

    @model_validator(mode="after")
    def _default_needs_optional(self) -> OptionalKeys:
        if self.default and not self.optional:
            raise ValueError("default: only used with optional: true")
        return self


class OptionalReader(Parser):
    """Reads through `reader`; when the run did not produce that output, gives `default`."""

    def __init__(self, reader: Parser, default: dict[str, Any]) -> None:
        self.reader = reader
        self.default = dict(default)

    def read_output(self, run_dir: str) -> dict:
        try:
            return self.reader.read_output(run_dir)
        except RunError:
            return dict(self.default)
