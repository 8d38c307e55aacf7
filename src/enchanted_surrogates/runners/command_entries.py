"""The `inputs` and `outputs` entries of a command runner: one pydantic model per reader or
writer, told apart by `type`, and the parser each entry builds."""

from __future__ import annotations

import os
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Tag,
    model_validator,
)

from enchanted_surrogates.config.errors import did_you_mean, dotted
from enchanted_surrogates.config.options import check_options
from enchanted_surrogates.config.registry import ResolveError, known_names, resolve
from enchanted_surrogates.config.yaml12 import unquoted_braces
from enchanted_surrogates.parsers.base import Parser
from enchanted_surrogates.parsers.csv_row import CsvRowParser
from enchanted_surrogates.parsers.function import FunctionParser
from enchanted_surrogates.parsers.key_value import KeyValueParser
from enchanted_surrogates.parsers.mapping_file import JsonParser, MappingFileConfig, YamlParser
from enchanted_surrogates.parsers.namelist import NamelistParser
from enchanted_surrogates.parsers.namelist_patch import NamelistPatchParser
from enchanted_surrogates.parsers.optional import OptionalKeys, OptionalReader
from enchanted_surrogates.parsers.regex import RegexParser
from enchanted_surrogates.parsers.table import TableParser
from enchanted_surrogates.parsers.template import TemplateParser


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


def written_file(entry: Any) -> str:
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
# The readers and writers that run only the framework's own code (not `function`).
BUILTIN_PARSERS = frozenset({*INPUT_PARSERS.values(), *OUTPUT_PARSERS.values()} - {FunctionParser})


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


def build_parser(parsers: dict[str, type[Parser]], entry: Any) -> Parser:
    """The parser an `inputs`/`outputs` entry describes (its keys minus `type`)."""
    framework = {"type", "optional", "default"}
    if isinstance(entry, PluginOutput):
        parser = resolve("parsers", entry.type)(**dict(entry.model_extra or {}))
    else:
        parser = parsers[entry.type](**entry.model_dump(exclude=framework))
    if isinstance(entry, OptionalKeys) and entry.optional:
        return OptionalReader(parser, entry.default)
    return parser
