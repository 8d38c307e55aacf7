"""A reference namelist with a few values changed per run: how GENE, TGLF or HELENA users work.

Codes of this kind read one file of several groups; users keep a tested input and vary a few
entries. The base file is patched with f90nml, so every other group, key, comment and
array stays as written. Targets are named `group.key`, or `group.key(i)` for element i
(Fortran counting, from the array's first index) of an array.
"""

from __future__ import annotations

import os
import re
from typing import Any, Literal

import f90nml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from enchanted_surrogates.config.relative_paths import where_relative_paths_start
from enchanted_surrogates.parsers.base import Parser
from enchanted_surrogates.runs.errors import RunError

TARGET = re.compile(r"^(?P<group>\w+)\.(?P<key>\w+)(?:\((?P<index>\d+)\))?$")


def parse_target(target: str) -> tuple[str, str, int | None]:
    """(group, key, index) of `group.key` or `group.key(i)`; ValueError otherwise."""
    match = TARGET.match(target)
    if not match:
        raise ValueError(f"'{target}': write group.key or group.key(i), e.g. species.omn(2)")
    index = match["index"]
    return match["group"].lower(), match["key"].lower(), int(index) if index else None


def _read_base(path: str) -> f90nml.Namelist:
    try:
        return f90nml.read(path)
    except (OSError, ValueError) as exc:
        hint = f" ({where_relative_paths_start()})" if isinstance(exc, FileNotFoundError) else ""
        raise ValueError(f"base: cannot read the namelist '{path}': {exc}{hint}") from None


class NamelistPatchParser(Parser):
    """Writes `base` with the targets set from the run's params, everything else untouched."""

    class Config(BaseModel):
        model_config = ConfigDict(extra="forbid", title="NamelistPatchParser")

        type: Literal["namelist_patch"] = "namelist_patch"
        base: str = Field(description="the reference namelist file, relative to where you run")
        file: str | None = Field(
            None, description="the file written in the run directory; default: base's name"
        )
        keys: list[str] = Field(
            default_factory=list,
            description="parameters named like their target: group.key or group.key(i)",
        )
        set: dict[str, str] = Field(
            default_factory=dict,
            description="target (group.key or group.key(i)) -> the parameter that sets it",
        )

        @model_validator(mode="after")
        def _check(self) -> NamelistPatchParser.Config:
            if not self.keys and not self.set:
                raise ValueError("keys or set: name at least one entry to change")
            base = _read_base(self.base)
            for target in [*self.keys, *self.set]:
                group, key, _ = parse_target(target)
                if group not in base:
                    raise ValueError(f"'{target}': {self.base} has no group &{group}")
                if isinstance(base[group], list):
                    raise ValueError(f"'{target}': {self.base} repeats the group &{group}")
                if key not in base[group]:
                    raise ValueError(f"'{target}': &{group} of {self.base} has no {key}")
            self.base = os.path.abspath(self.base)
            if self.file is None:
                self.file = os.path.basename(self.base)
            return self

    def __init__(self, **kwargs: Any) -> None:
        cfg = self.Config(**kwargs)
        self.base = cfg.base
        self.file = str(cfg.file)
        self.targets = {**{key: key for key in cfg.keys}, **cfg.set}

    def write_input_file(self, params: dict, run_dir: str) -> None:
        missing = [param for param in self.targets.values() if param not in params]
        if missing:
            raise RunError(f"namelist '{self.file}': no parameter {', '.join(missing)}")
        base = f90nml.read(self.base)
        patch: dict[str, dict[str, Any]] = {}
        for target, param in self.targets.items():
            group, key, index = parse_target(target)
            value = params[param]
            if index is not None:
                value = _with_element(base[group], key, index, value, target)
                base[group][key] = value  # a second element of the same array builds on it
            patch.setdefault(group, {})[key] = value
        f90nml.patch(self.base, patch, os.path.join(run_dir, self.file))


def _with_element(group: f90nml.Namelist, key: str, index: int, value: Any, target: str) -> list:
    """The array `key` of `group` with element `index` (Fortran counting) set to `value`."""
    array = group[key] if isinstance(group[key], list) else [group[key]]
    first = (group.start_index.get(key) or [1])[0] or 1
    position = index - first
    if not 0 <= position < len(array):
        last = first + len(array) - 1
        raise RunError(f"namelist '{target}': the base array has indices {first}..{last}")
    return [*array[:position], value, *array[position + 1 :]]
