"""A runner for any external program, described in the config instead of written in Python.

Per run: copy and link the declared files into the run directory, render the inputs,
start the program there (no shell unless asked for), capture its stdout/stderr (secrets
redacted as they are written), turn its exit into a status, and read the outputs.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import string
import subprocess
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from enchanted_surrogates.config.errors import did_you_mean, dotted
from enchanted_surrogates.config.options import check_options
from enchanted_surrogates.config.registry import ResolveError, known_names, resolve
from enchanted_surrogates.config.relative_paths import where_relative_paths_start
from enchanted_surrogates.config.yaml12 import unquoted_braces
from enchanted_surrogates.executors import program_groups
from enchanted_surrogates.parsers.base import Parser
from enchanted_surrogates.parsers.csv_row import CsvRowParser
from enchanted_surrogates.parsers.files import STDERR_FILE
from enchanted_surrogates.parsers.function import FunctionParser
from enchanted_surrogates.parsers.key_value import KeyValueParser
from enchanted_surrogates.parsers.mapping_file import JsonParser, MappingFileConfig, YamlParser
from enchanted_surrogates.parsers.namelist import NamelistParser
from enchanted_surrogates.parsers.namelist_patch import NamelistPatchParser
from enchanted_surrogates.parsers.optional import OptionalKeys, OptionalReader
from enchanted_surrogates.parsers.regex import RegexParser
from enchanted_surrogates.parsers.table import TableParser
from enchanted_surrogates.parsers.template import TemplateParser
from enchanted_surrogates.runners.base_runner import Runner
from enchanted_surrogates.runners.error_readers import (
    ErrorReader,
    ErrorReaderConfig,
    declared_error,
    failure_message,
)
from enchanted_surrogates.runners.launchers import Launcher
from enchanted_surrogates.runners.placed_files import declared_path, place
from enchanted_surrogates.runners.program_check import missing_program
from enchanted_surrogates.runners.shell_placeholders import quoted_placeholders
from enchanted_surrogates.runs import secrets
from enchanted_surrogates.runs.errors import AbortCampaign, RunCrashed, RunError, RunMemout
from enchanted_surrogates.runs.secret_streams import Capture

# What a program that ran out of memory typically says on stderr (Python, C++, C/Fortran).
MEMORY_ERROR = re.compile(
    r"MemoryError|std::bad_alloc|Cannot allocate memory|out of memory", re.IGNORECASE
)
MEMORY_SCAN_CHARS = 20_000  # the end of stderr, where a fatal error is printed
TAIL_LINES = 10
TAIL_CHARS = 2000


def _number_as_text(value: Any) -> Any:
    """YAML reads `[code, 3]` as a number; as an argument or variable it is text.
    An unquoted `{T}` reaches here as a mapping: say how to write it."""
    hint = unquoted_braces(value)
    if hint:
        raise ValueError(hint)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


Text = Annotated[str, BeforeValidator(_number_as_text)]


# Entries of `inputs`: a template (the default) or a namelist written from the params.
class TemplateInput(TemplateParser.Config):
    type: Literal["template"] = "template"


class NamelistInput(NamelistParser.Config):
    type: Literal["namelist"]


def _written_file(entry: Any) -> str:
    """The run-directory file an `inputs` entry writes."""
    return os.path.normpath(entry.dest if isinstance(entry, TemplateInput) else entry.file)


# Entries of `outputs`, one per reader; `type` picks the reader.
class JsonOutput(MappingFileConfig, OptionalKeys):
    type: Literal["json"]


class YamlOutput(MappingFileConfig, OptionalKeys):
    type: Literal["yaml"]


class CsvOutput(CsvRowParser.Config, OptionalKeys):
    type: Literal["csv"]


class RegexOutput(RegexParser.Config, OptionalKeys):
    type: Literal["regex"]


class KeyValueOutput(KeyValueParser.Config, OptionalKeys):
    type: Literal["key_value"]


class NamelistOutput(NamelistParser.Config, OptionalKeys):
    type: Literal["namelist"]


class FunctionOutput(FunctionParser.Config, OptionalKeys):
    type: Literal["function"]


class TableOutput(TableParser.Config, OptionalKeys):
    type: Literal["table"]


def _not_built_in(schema: dict[str, Any]) -> None:
    """In the JSON Schema, a built-in reader's tag must match only its own branch."""
    schema["properties"]["type"]["not"] = {"enum": list(OUTPUT_PARSERS)}


class PluginOutput(OptionalKeys):
    """A reader from an installed plugin (entry-point group `enchanted_surrogates.parsers`)
    or an import path; its own keys are checked by its class."""

    model_config = ConfigDict(extra="allow", json_schema_extra=_not_built_in)

    type: str

    @model_validator(mode="after")
    def _check_keys(self) -> PluginOutput:
        try:
            cls = resolve("parsers", self.type)
        except ResolveError:
            names = [*OUTPUT_PARSERS, *known_names("parsers")]
            raise ValueError(
                f"type: unknown output reader '{self.type}'{did_you_mean(self.type, names)} "
                f"(built in: {', '.join(OUTPUT_PARSERS)}; or an installed parser plugin, "
                "or package.module:Class)"
            ) from None
        problems = check_options(cls, dict(self.model_extra or {}), ())
        if problems:
            raise ValueError("; ".join(f"{dotted(p.path)}: {p.message}" for p in problems))
        return self


INPUT_PARSERS: dict[str, type[Parser]] = {
    "template": TemplateParser,
    "namelist": NamelistParser,
    "namelist_patch": NamelistPatchParser,
}
OUTPUT_PARSERS: dict[str, type[Parser]] = {
    "json": JsonParser,
    "yaml": YamlParser,
    "csv": CsvRowParser,
    "regex": RegexParser,
    "key_value": KeyValueParser,
    "namelist": NamelistParser,
    "function": FunctionParser,
    "table": TableParser,
}


def _type_of(default: str | None) -> Any:
    def tag(value: Any) -> str | None:
        if isinstance(value, dict):
            return value.get("type", default)
        return getattr(value, "type", default)

    return tag


def _output_tag(value: Any) -> str | None:
    """Built-in readers by their tag; any other named type is looked up as a plugin."""
    tag = _type_of(None)(value)
    if tag is None or tag in OUTPUT_PARSERS:
        return tag
    return "plugin"


InputEntry = Annotated[
    Annotated[TemplateInput, Tag("template")]
    | Annotated[NamelistInput, Tag("namelist")]
    | Annotated[NamelistPatchParser.Config, Tag("namelist_patch")],
    Discriminator(
        _type_of("template"),
        custom_error_type="input_type",
        custom_error_message="type: template (the default), namelist or namelist_patch",
    ),
]
OutputEntry = Annotated[
    Annotated[JsonOutput, Tag("json")]
    | Annotated[YamlOutput, Tag("yaml")]
    | Annotated[CsvOutput, Tag("csv")]
    | Annotated[RegexOutput, Tag("regex")]
    | Annotated[KeyValueOutput, Tag("key_value")]
    | Annotated[NamelistOutput, Tag("namelist")]
    | Annotated[FunctionOutput, Tag("function")]
    | Annotated[TableOutput, Tag("table")]
    | Annotated[PluginOutput, Tag("plugin")],
    Discriminator(
        _output_tag,
        custom_error_type="output_type",
        custom_error_message=f"type: required, one of {', '.join(OUTPUT_PARSERS)}",
    ),
]


BRACES = "write {{ and }} for literal braces"


def _fields(text: str) -> list[str]:
    """The placeholder names in `text`; ValueError for str.format syntax errors."""
    try:
        names = [field for _, field, _, _ in string.Formatter().parse(text) if field is not None]
    except ValueError as exc:
        raise ValueError(f"'{text}': {exc}; {BRACES}") from None
    for name in names:
        if name == "" or name.isdigit():
            raise ValueError(f"'{text}': name the placeholder, e.g. {{x}}; {BRACES}")
    return names


class _Secrets:
    """`{secrets.SECTION.KEY}` in an env value: attribute access looks the secret up."""

    def __init__(self, section: str = "") -> None:
        self.section = section

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # copy, pickle and friends probing for hooks
            raise AttributeError(name)
        if not self.section:
            return _Secrets(name)
        return secrets.lookup(f"{self.section}.{name}")


class _ShellQuoting(string.Formatter):
    """Fills placeholders shell-quoted, so a value stays one word for /bin/sh."""

    def format_field(self, value: Any, format_spec: str) -> str:
        return shlex.quote(super().format_field(value, format_spec))


def _fill(template: str, context: Mapping, what: str, formatter: string.Formatter) -> str:
    try:
        return formatter.vformat(template, (), context)
    except secrets.SecretsError as exc:  # every run would fail the same way
        raise AbortCampaign(f"{what}: {exc}") from None
    except KeyError as exc:
        raise RunError(f"{what}: no parameter {exc.args[0]!r} in this run") from None
    except (AttributeError, IndexError, ValueError) as exc:
        raise RunError(f"{what}: cannot fill '{template}': {exc}") from None


def _tail(text: str) -> str:
    """The end of a program's stderr, short enough for an error message."""
    tail = "\n".join(text.rstrip().splitlines()[-TAIL_LINES:])
    if not tail:
        return "(stderr is empty)"
    return tail if len(tail) <= TAIL_CHARS else "..." + tail[-TAIL_CHARS:]


class CommandRunner(Runner):
    """Runs an external program once per point, in the point's run directory.

    Time and memory limits are not handled here: give the runner entry `timeout:` and
    `memory_limit:` and the framework runs this runner in a limited process group, which
    the program inherits.
    """

    reusable = True  # keeps no per-run state in self

    class Config(BaseModel):
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
                if any(name.split(".")[0] == "secrets" for name in _fields(arg)):
                    raise ValueError(
                        "secrets are only filled in env (an argument is visible to every user "
                        "of the machine); pass it as an environment variable"
                    )
            return command

        @field_validator("env")
        @classmethod
        def _check_env(cls, env: dict[str, str]) -> dict[str, str]:
            for name, value in env.items():
                for field in _fields(value):
                    if field.split(".")[0] == "secrets" and len(field.split(".")) != 3:
                        raise ValueError(f"{name}: write {{secrets.SECTION.KEY}}")
            return env

        @field_validator("copy_paths", "link")
        @classmethod
        def _check_paths(cls, paths: list[str]) -> list[str]:
            filled = {path: bool(_fields(path)) for path in paths}  # checked per run
            missing = [p for p in paths if not filled[p] and not os.path.exists(p.format())]
            if missing:
                raise ValueError(f"no file or directory {missing} ({where_relative_paths_start()})")
            return [declared_path(path, filled[path]) for path in paths]

        @model_validator(mode="after")
        def _check(self) -> CommandRunner.Config:
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
            written = [_written_file(entry) for entry in self.inputs]
            twice = sorted({name for name in written if written.count(name) > 1})
            if twice:
                raise ValueError(f"inputs: more than one entry writes {twice}; merge them")
            return self

    def __init__(self, **kwargs: Any) -> None:
        cfg = self.Config(**kwargs)
        self.command = [cfg.command] if isinstance(cfg.command, str) else list(cfg.command)
        self.shell = cfg.shell
        self.env = dict(cfg.env)
        self.copy_paths = cfg.copy_paths
        self.link_paths = cfg.link
        self.inputs = [_build(INPUT_PARSERS, entry) for entry in cfg.inputs]
        self.outputs = [_build(OUTPUT_PARSERS, entry) for entry in cfg.outputs]
        self.launcher = cfg.launcher
        self.errors = [ErrorReader(**entry.model_dump()) for entry in cfg.errors]

    def validation_warnings(self) -> list[str]:
        """What `validate` should say about this entry beyond its errors."""
        missing = missing_program(self.command, self.shell)
        return [missing] if missing else []

    def single_code_run(self, run_dir: str, params: dict | None = None) -> dict:
        """Run the program for `params`; its outputs with `success`, or a RunError."""
        try:
            return self._run(os.path.abspath(run_dir), params or {})
        except RunError as exc:  # the message may quote the program's output
            exc.args = (secrets.redact(str(exc)),)
            raise

    def _run(self, run_dir: str, params: dict) -> dict:
        self._prepare(run_dir, params)
        context = {**params, "run_dir": run_dir}
        formatter = _ShellQuoting() if self.shell else string.Formatter()
        argv = [_fill(arg, context, "command", formatter) for arg in self.command]
        env_context = {**context, "secrets": _Secrets()}
        extra = {
            k: _fill(v, env_context, f"env {k}", string.Formatter()) for k, v in self.env.items()
        }
        session = None
        if self.launcher is not None:
            argv = self.launcher.argv(argv)
            session = self.launcher.session_dir()
            extra = {**self.launcher.env(session), **extra}
        try:
            code = self._execute(
                " ".join(argv) if self.shell else argv, {**os.environ, **extra}, run_dir
            )
        finally:
            if session is not None:
                shutil.rmtree(session, ignore_errors=True)
        if code != 0:
            raise _exit_error(code, run_dir, self.errors)
        declared = declared_error(run_dir, self.errors)
        if declared:  # many codes exit with 0 after printing their error
            raise RunError(declared)
        result: dict = {}
        for parser in self.outputs:
            result.update(parser.read_output(run_dir))
        return {"success": True, **result}

    def _prepare(self, run_dir: str, params: dict) -> None:
        """Copy, link and write the inputs; inputs last, so they win over a copied file."""
        context = {**params, "run_dir": run_dir}

        def fill(path: str, key: str) -> str:
            return _fill(path, context, key, string.Formatter())

        try:
            place(self.copy_paths, self.link_paths, run_dir, fill)
        except OSError as exc:
            raise RunError(f"cannot prepare the run directory: {exc}") from None
        for parser in self.inputs:
            parser.write_input_file(params, run_dir)

    def _execute(self, args: list[str] | str, env: dict[str, str], run_dir: str) -> int:
        """Run the program to its end with stdout/stderr in files (redacted as they are
        written); its return code."""
        with Capture(run_dir) as capture:
            try:
                process = subprocess.Popen(
                    cwd=run_dir,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    **capture.targets,
                    **program_groups.spawn_options(args, self.shell, run_dir, env),
                )
            except OSError as exc:
                program = args if isinstance(args, str) else args[0]
                raise RunError(f"cannot start {program!r}: {exc.strerror}") from None
            capture.started(process)
            with program_groups.tracked(process.pid):
                return process.wait()


def _build(parsers: dict[str, type[Parser]], entry: Any) -> Parser:
    """The parser an `inputs`/`outputs` entry describes (its keys minus `type`)."""
    framework = {"type", "optional", "default"}
    if isinstance(entry, PluginOutput):
        parser = resolve("parsers", entry.type)(**dict(entry.model_extra or {}))
    else:
        parser = parsers[entry.type](**entry.model_dump(exclude=framework))
    if isinstance(entry, OptionalKeys) and entry.optional:
        return OptionalReader(parser, entry.default)
    return parser


def _exit_error(code: int, run_dir: str, readers: list[ErrorReader]) -> RunError:
    """How a program that did not exit with 0 ended, with its own message."""
    with open(os.path.join(run_dir, STDERR_FILE), encoding="utf-8", errors="replace") as handle:
        stderr = handle.read()
    if code < 0:
        try:
            how = f"killed by signal {signal.Signals(-code).name}"
        except ValueError:
            how = f"killed by signal {-code}"
    else:
        how = f"exit code {code}"
    if MEMORY_ERROR.search(stderr[-MEMORY_SCAN_CHARS:]):
        return RunMemout(f"{how}, out of memory: {_tail(stderr)}")
    message = failure_message(run_dir, readers)
    if code < 0:
        return RunCrashed(how if not stderr.strip() else f"{how}: {message}")
    return RunError(f"{how}: {message}")
