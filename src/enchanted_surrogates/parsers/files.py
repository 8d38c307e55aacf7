"""Where output readers find their text: a declared file, or the captured stdout/stderr."""

from __future__ import annotations

import os
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from enchanted_surrogates.parsers.run_dir_path import RunDirPath
from enchanted_surrogates.runs.errors import RunError

STDOUT_FILE = "stdout.txt"
STDERR_FILE = "stderr.txt"


def output_path(run_dir: str, name: str) -> str:
    """The path of output file `name`; a file the code did not write fails the run."""
    path = os.path.join(run_dir, name)
    if not os.path.isfile(path):
        raise RunError(f"output file '{name}' is missing in the run directory")
    return path


def read_text(run_dir: str, name: str) -> str:
    """The text of output file `name` (undecodable bytes replaced, not fatal)."""
    with open(output_path(run_dir, name), encoding="utf-8", errors="replace") as handle:
        return handle.read()


class SourceConfig(BaseModel):
    """Keys of readers that scan text: the program's stdout, its stderr, or a file."""

    model_config = ConfigDict(extra="forbid")

    source: Literal["stdout", "stderr", "file"] = Field(
        "stdout", description="stdout or stderr of the program (as captured), or a file"
    )
    file: RunDirPath | None = Field(None, description="the file to read when source is file")

    @model_validator(mode="after")
    def _file_with_source_file(self) -> SourceConfig:
        if self.source == "file" and not self.file:
            raise ValueError("file: required when source is file")
        if self.source != "file" and self.file:
            raise ValueError(f"file: only used with source: file (source is {self.source})")
        return self

    def file_name(self) -> str:
        """The file in the run directory that holds the text."""
        if self.source == "file":
            return str(self.file)
        return STDOUT_FILE if self.source == "stdout" else STDERR_FILE
