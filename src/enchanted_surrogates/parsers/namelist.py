"""Fortran namelists, the input (and often output) format of many physics codes."""

from __future__ import annotations

import os
from typing import Any

import f90nml
from pydantic import BaseModel, ConfigDict, Field

from enchanted_surrogates.parsers.base import Parser
from enchanted_surrogates.parsers.files import output_path
from enchanted_surrogates.parsers.run_dir_path import RunDirPath
from enchanted_surrogates.parsers.values import is_scalar, select
from enchanted_surrogates.runs.errors import RunError


class NamelistParser(Parser):
    """Writes params as one namelist group, and reads the scalar entries of a group back.

    Namelist names are case-insensitive: what is read back has lower-case keys.
    """

    class Config(BaseModel):
        model_config = ConfigDict(extra="forbid", title="NamelistParser")

        file: RunDirPath = Field(description="the namelist file in the run directory")
        group: str = Field("params", description="the namelist group (&params ... /)")
        keys: list[str] | None = Field(
            None, description="the entries to write or read; default: every scalar one"
        )

    def __init__(self, **kwargs: Any) -> None:
        cfg = self.Config(**kwargs)
        self.file = cfg.file
        self.group = cfg.group
        self.keys = cfg.keys

    def write_input_file(self, params: dict, run_dir: str) -> None:
        if self.keys is None:
            values = {k: v for k, v in params.items() if v is not None and is_scalar(v)}
        else:
            missing = [key for key in self.keys if key not in params]
            if missing:
                raise RunError(f"namelist '{self.file}': no parameter {', '.join(missing)}")
            values = {key: params[key] for key in self.keys}
        f90nml.Namelist({self.group: values}).write(os.path.join(run_dir, self.file), force=True)

    def read_output(self, run_dir: str) -> dict:
        try:
            namelist = f90nml.read(output_path(run_dir, self.file))
        except ValueError as exc:  # how f90nml reports a malformed file
            raise RunError(f"namelist '{self.file}' cannot be parsed: {exc}") from None
        if self.group not in namelist:
            raise RunError(f"namelist '{self.file}' has no group &{self.group}")
        entries = namelist[self.group]
        if isinstance(entries, list):  # the group is repeated: which one is meant is unclear
            raise RunError(f"namelist '{self.file}' has {len(entries)} groups &{self.group}")
        return select(entries, self.keys, f"namelist '{self.file}' &{self.group}")
