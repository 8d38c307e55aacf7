"""Outputs found in text by a regular expression, e.g. `energy=(\\S+)` on stdout."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ConfigDict, Field, model_validator

from enchanted_surrogates.parsers.base import Parser
from enchanted_surrogates.parsers.files import SourceConfig, read_text
from enchanted_surrogates.parsers.values import to_number
from enchanted_surrogates.runs.errors import RunError


class RegexParser(Parser):
    """Named groups of the last match become columns; without them, `name` gets the first
    group (or the whole match). The last match, because codes print progress before the
    final value. `^` and `$` match at every line."""

    class Config(SourceConfig):
        model_config = ConfigDict(title="RegexParser")

        pattern: str = Field(description="a Python regular expression")
        name: str | None = Field(
            None, description="the column for the first group, when there are no named groups"
        )

        @model_validator(mode="after")
        def _check_pattern(self) -> RegexParser.Config:
            try:
                compiled = re.compile(self.pattern, re.MULTILINE)
            except re.error as exc:
                raise ValueError(f"pattern: not a valid regular expression: {exc}") from None
            if not compiled.groupindex and not self.name:
                raise ValueError("name: required when the pattern has no named groups")
            if compiled.groupindex and self.name:
                raise ValueError("name: not used when the pattern has named groups")
            return self

    def __init__(self, **kwargs: Any) -> None:
        cfg = self.Config(**kwargs)
        self.source = cfg.file_name()
        self.pattern = re.compile(cfg.pattern, re.MULTILINE)
        self.name = cfg.name

    def read_output(self, run_dir: str) -> dict:
        matches = list(self.pattern.finditer(read_text(run_dir, self.source)))
        if not matches:
            raise RunError(f"no match for /{self.pattern.pattern}/ in {self.source}")
        match = matches[-1]
        if self.pattern.groupindex:
            return {key: to_number(text) for key, text in match.groupdict().items()}
        return {self.name: to_number(match.group(1) if self.pattern.groups else match.group(0))}
