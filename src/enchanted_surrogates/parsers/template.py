"""Input files rendered from a template with the params of the run."""

from __future__ import annotations

import os
import string
from pathlib import Path
from typing import Any, Literal

import jinja2
from pydantic import BaseModel, ConfigDict, Field, model_validator

from enchanted_surrogates.config.relative_paths import where_relative_paths_start
from enchanted_surrogates.parsers.base import Parser
from enchanted_surrogates.runs.errors import RunError

JINJA_SUFFIXES = (".j2", ".jinja")


def _environment() -> jinja2.Environment:
    # StrictUndefined: a parameter the template uses but the run lacks is an error, not "".
    return jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def _check_syntax(text: str, engine: str, name: str) -> None:
    """Raise ValueError for a template that no params could fill."""
    try:
        if engine == "jinja2":
            _environment().parse(text)
            return
        for _, field, _, _ in string.Formatter().parse(text):
            if field is not None and (field == "" or field.isdigit()):
                raise ValueError("a positional field {}; for a literal brace write {{ or }}")
    except jinja2.TemplateSyntaxError as exc:
        raise ValueError(f"template: {name}:{exc.lineno}: {exc.message}") from None
    except ValueError as exc:
        raise ValueError(f"template: {name}: {exc} (engine: format)") from None


class TemplateParser(Parser):
    """Renders `template` into `dest` in the run directory; the params and `run_dir` fill it.

    jinja2 (StrictUndefined: a parameter the template needs but the run lacks is an error)
    for .j2/.jinja files, str.format (`{x}`, `{x:.6e}`; literal braces doubled) otherwise.
    """

    class Config(BaseModel):
        model_config = ConfigDict(extra="forbid", title="TemplateParser")

        template: str = Field(description="the template file, relative to where you run")
        dest: str | None = Field(
            None,
            description="the file written in the run directory; default: the "
            "template's name without .j2/.jinja",
        )
        engine: Literal["jinja2", "format"] | None = Field(
            None, description="default: jinja2 for .j2/.jinja templates, else format"
        )

        @model_validator(mode="after")
        def _resolve(self) -> TemplateParser.Config:
            path = Path(self.template)
            if not path.is_file():
                raise ValueError(
                    f"template: no file '{self.template}' ({where_relative_paths_start()})"
                )
            self.template = str(path.resolve())
            jinja = path.suffix in JINJA_SUFFIXES
            if self.dest is None:
                self.dest = path.stem if jinja else path.name
            if Path(self.dest).is_absolute() or ".." in Path(self.dest).parts:
                raise ValueError(f"dest: '{self.dest}' is not a path inside the run directory")
            if self.engine is None:
                self.engine = "jinja2" if jinja else "format"
            _check_syntax(path.read_text(), self.engine, path.name)
            return self

    def __init__(self, **kwargs: Any) -> None:
        cfg = self.Config(**kwargs)
        self.name = os.path.basename(cfg.template)
        self.dest = str(cfg.dest)
        self.text = Path(cfg.template).read_text()
        self.jinja = _environment().from_string(self.text) if cfg.engine == "jinja2" else None

    def render(self, params: dict, run_dir: str) -> str:
        """The file's text for `params`."""
        context = {**params, "run_dir": run_dir}
        try:
            if self.jinja is not None:
                return self.jinja.render(context)
            return self.text.format_map(context)
        except KeyError as exc:  # str.format's missing field
            raise RunError(f"template '{self.name}': no parameter {exc}") from None
        except Exception as exc:  # e.g. {{ x + 1 }} with a str x: these params don't fit
            raise RunError(f"template '{self.name}': {type(exc).__name__}: {exc}") from None

    def write_input_file(self, params: dict, run_dir: str) -> None:
        path = os.path.join(run_dir, self.dest)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as handle:
            handle.write(self.render(params, run_dir))
