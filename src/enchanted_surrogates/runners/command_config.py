"""The keys of a `CommandRunner` entry and the checks `validate` makes on them."""

from __future__ import annotations

import os
import string
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from enchanted_surrogates.config.relative_paths import where_relative_paths_start
from enchanted_surrogates.config.yaml12 import unquoted_braces
from enchanted_surrogates.runners.command_entries import InputEntry, OutputEntry, Text, written_file
from enchanted_surrogates.runners.error_readers import (
    ErrorReaderConfig,
)
from enchanted_surrogates.runners.launchers import Launcher
from enchanted_surrogates.runners.placed_files import declared_path
from enchanted_surrogates.runners.shell_placeholders import quoted_placeholders

BRACES = "write {{ and }} for literal braces"


def placeholder_names(text: str) -> list[str]:
    """The placeholder names in `text`; ValueError for str.format syntax errors."""
    try:
        names = [field for _, field, _, _ in string.Formatter().parse(text) if field is not None]
    except ValueError as exc:
        raise ValueError(f"'{text}': {exc}; {BRACES}") from None
    for name in names:
        if name == "" or name.isdigit():
            raise ValueError(f"'{text}': name the placeholder, e.g. {{x}}; {BRACES}")
    return names


class CommandConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", title="CommandRunner")

    command: list[Text] | str = Field(
        description="the program and its arguments, e.g. [./code, --in, '{run_dir}/in.nml']."
        " {param} and {run_dir} placeholders (Python format fields, so {x:.6e} works) are "
        "filled per run (write {{ and }} for literal braces); without a shell each element "
        "is exactly one argument, whatever the value holds. The program runs in the run "
        "directory."
    )
    shell: bool = Field(
        False,
        description="DANGER: run `command` (then one string is allowed) through /bin/sh. "
        "Placeholders are filled shell-quoted (do not quote them yourself), but the rest "
        "of the line is shell code: globs, variables, pipes and ; all act. Use it only "
        "for pipes or redirection you cannot do otherwise.",
    )
    env: dict[str, Text] = Field(
        default_factory=dict,
        description="extra environment variables; values may use {param}, {run_dir} and "
        "{secrets.SECTION.KEY} (secrets are filled here only, never in command: an "
        "argument is visible to every user of the machine)",
    )
    inputs: list[InputEntry] = Field(
        default_factory=list,
        description="files written before the run: {template: PATH, dest, engine} or "
        "{type: namelist, file, group, keys} or {type: namelist_patch, base, keys, set}",
    )
    copy_paths: list[str] = Field(
        default_factory=list,
        alias="copy",
        description="files or directories copied into the run directory; {param}, "
        "{run_dir}, {parent_run_dir} and {previous_run_dir} are filled per run",
    )
    link: list[str] = Field(
        default_factory=list,
        description="files or directories symlinked into the run directory (meshes, "
        "executables, large read-only data); placeholders as in copy",
    )
    outputs: list[OutputEntry] = Field(
        default_factory=list,
        description="readers building the row, in order (a later one wins a shared "
        "column): json, yaml, csv, regex, key_value, namelist, function, table; "
        "optional: true (with default: {column: value}) for an output a run may lack",
    )
    launcher: Launcher | None = Field(
        default=None,
        description="start the program with srun/mpirun/mpiexec on the declared ranks, "
        "threads and GPUs (see runners/launchers.py)",
    )
    errors: list[ErrorReaderConfig] = Field(
        default_factory=list,
        description="where the program prints why it failed: {pattern, source, file}; "
        "default: the last meaningful lines of stderr, or of stdout when stderr has none",
    )

    @field_validator("command", mode="before")
    @classmethod
    def _braces_quoted(cls, command: Any) -> Any:
        for index, arg in enumerate(command if isinstance(command, list) else []):
            hint = unquoted_braces(arg)
            if hint:
                raise ValueError(f"[{index}]: {hint}")
        return command

    @field_validator("command")
    @classmethod
    def _check_command(cls, command: list[str] | str) -> list[str] | str:
        argv = [command] if isinstance(command, str) else command
        if not argv or not argv[0]:
            raise ValueError("empty; name the program to run")
        for arg in argv:
            if any(name.split(".")[0] == "secrets" for name in placeholder_names(arg)):
                raise ValueError(
                    "secrets are only filled in env (an argument is visible to every user "
                    "of the machine); pass it as an environment variable"
                )
        return command

    @field_validator("env")
    @classmethod
    def _check_env(cls, env: dict[str, str]) -> dict[str, str]:
        for name, value in env.items():
            for field in placeholder_names(value):
                if field.split(".")[0] == "secrets" and len(field.split(".")) != 3:
                    raise ValueError(f"{name}: write {{secrets.SECTION.KEY}}")
        return env

    @field_validator("copy_paths", "link")
    @classmethod
    def _check_paths(cls, paths: list[str]) -> list[str]:
        filled = {path: bool(placeholder_names(path)) for path in paths}  # checked per run
        missing = [p for p in paths if not filled[p] and not os.path.exists(p.format())]
        if missing:
            raise ValueError(f"no file or directory {missing} ({where_relative_paths_start()})")
        return [declared_path(path, filled[path]) for path in paths]

    @model_validator(mode="after")
    def _check(self) -> CommandConfig:
        if isinstance(self.command, str) and not self.shell:
            raise ValueError(
                "command: give a list such as [./code, '{x}']; a single string is only "
                "accepted with shell: true"
            )
        if self.shell:
            for arg in [self.command] if isinstance(self.command, str) else self.command:
                quoted = quoted_placeholders(arg)
                if quoted:
                    raise ValueError(
                        f"command: placeholder {{{quoted[0]}}} is inside quotes; remove "
                        "the quotes around it (every value is filled shell-quoted, and "
                        "inside quotes a value could end them and run as shell code)"
                    )
        names = [os.path.basename(path) for path in self.copy_paths + self.link]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"link: the run directory would get two of {repeated}")
        written = [written_file(entry) for entry in self.inputs]
        twice = sorted({name for name in written if written.count(name) > 1})
        if twice:
            raise ValueError(f"inputs: more than one entry writes {twice}; merge them")
        return self
