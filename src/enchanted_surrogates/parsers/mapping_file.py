"""Outputs a code writes as a JSON or YAML mapping of names to values."""

from __future__ import annotations

import json
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from enchanted_surrogates.config import yaml12
from enchanted_surrogates.parsers.base import Parser
from enchanted_surrogates.parsers.files import read_text
from enchanted_surrogates.parsers.run_dir_path import RunDirPath
from enchanted_surrogates.parsers.values import select
from enchanted_surrogates.runs.errors import RunError


class MappingFileConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    file: RunDirPath = Field(description="the file in the run directory")
    keys: list[str] | None = Field(
        None, description="the keys to keep (each must be there); default: every scalar value"
    )


class JsonParser(Parser):
    """Reads the top-level mapping of a JSON file; nested values are left out."""

    Config = MappingFileConfig

    def __init__(self, **kwargs: Any) -> None:
        cfg = self.Config(**kwargs)
        self.file = cfg.file
        self.keys = cfg.keys

    def load(self, text: str) -> Any:
        """The document in `text`."""
        return json.loads(text)

    def read_output(self, run_dir: str) -> dict:
        text = read_text(run_dir, self.file)
        try:
            data = self.load(text)
        except (ValueError, yaml.YAMLError) as exc:
            raise RunError(f"output file '{self.file}' cannot be parsed: {exc}") from None
        if not isinstance(data, dict):
            raise RunError(
                f"output file '{self.file}' holds a {type(data).__name__}, not a mapping"
            )
        return select(data, self.keys, f"output file '{self.file}'")


class YamlParser(JsonParser):
    """Reads the top-level mapping of a YAML file; nested values are left out."""

    def load(self, text: str) -> Any:
        return yaml12.load(text)
