"""Validate the type-specific keys of an entry with the type's own model or signature.

A class with a pydantic `Config` model is checked against it; any other class against a
model derived from its `__init__` signature. Either way a misspelt key is caught, unless
the class itself takes `**kwargs`.
"""

from __future__ import annotations

import inspect
import re
import warnings
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from enchanted_surrogates.config.errors import Path, Problem, did_you_mean


@cache
def options_model(cls: type) -> type[BaseModel]:
    """The pydantic model that the keys of a `cls` entry must satisfy."""
    own = getattr(cls, "Config", None)
    if isinstance(own, type) and issubclass(own, BaseModel):
        return own
    try:
        signature = inspect.signature(cls.__init__)
    except (TypeError, ValueError):
        return create_model(f"{cls.__name__}Options", __config__=ConfigDict(extra="allow"))
    fields: dict[str, Any] = {}
    extra = "forbid"
    for name, param in list(signature.parameters.items())[1:]:
        if param.kind is param.VAR_KEYWORD:
            extra = "allow"
        elif param.kind in (param.KEYWORD_ONLY, param.POSITIONAL_OR_KEYWORD):
            annotation = Any if param.annotation is param.empty else param.annotation
            default = ... if param.default is param.empty else param.default
            fields[name] = (annotation, default)
    config = ConfigDict(extra=extra, arbitrary_types_allowed=True)
    try:
        return create_model(f"{cls.__name__}Options", __config__=config, **fields)
    except Exception:  # annotations pydantic cannot turn into a schema: check names only
        loose = {name: (Any, default) for name, (_, default) in fields.items()}
        return create_model(f"{cls.__name__}Options", __config__=config, **loose)


def config_keys(model: type[BaseModel]) -> set[str]:
    """The keys a model accepts as written in YAML (a field's alias where it has one)."""
    return {info.alias or name for name, info in model.model_fields.items()}


def accepts_key(cls: type, key: str) -> bool:
    """True if `cls` declares `key` itself (not merely through **kwargs)."""
    return key in config_keys(options_model(cls))


def takes_any_key(cls: type) -> bool:
    """True if `cls` accepts keys it does not declare (an `__init__` with **kwargs)."""
    return options_model(cls).model_config.get("extra") == "allow"


def check_options(cls: type, options: dict[str, Any], path: Path) -> list[Problem]:
    """Problems with `options` for `cls`, each with the key path it concerns."""
    model = options_model(cls)
    try:
        with warnings.catch_warnings():  # building the entry next reports them, once
            warnings.simplefilter("ignore")
            model.model_validate(options)
    except ValidationError as exc:
        return [problem_from_error(error, path, model, model) for error in exc.errors()]
    return []


def coerced_options(cls: type, options: dict[str, Any]) -> dict[str, Any]:
    """The keys as the class should receive them.

    A class with its own `Config` validates in its constructor and gets the keys as
    written; for a signature-checked class the values pydantic converted are passed on
    (so `fail_if: "0.5"` arrives as 0.5, as validation promised).
    """
    model = options_model(cls)
    if model is getattr(cls, "Config", None):
        return dict(options)
    return model.model_validate(options).model_dump(exclude_unset=True)


_KEY_PREFIX = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*): (.*)$", re.S)


def problem_from_error(
    error: dict, path: Path, owner: type[BaseModel], inner: type[BaseModel]
) -> Problem:
    """One Problem from one pydantic error.

    `owner` is the model holding the last key of the error's location (for "did you mean"),
    `inner` the model at that location (whose validators may name one of its keys).
    """
    loc = tuple(error.get("loc", ()))
    kind = error.get("type", "")
    message = str(error.get("msg", "invalid value"))
    if kind == "extra_forbidden":
        key = str(loc[-1]) if loc else "?"
        return Problem((*path, *loc), f"unknown key{did_you_mean(key, config_keys(owner))}")
    if kind == "missing":
        return Problem((*path, *loc), "required key is missing")
    message = message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    match = _KEY_PREFIX.match(message)
    if (
        match
        and match.group(1) in inner.model_fields
        and kind in ("value_error", "assertion_error")
    ):
        loc, message = (*loc, match.group(1)), match.group(2)
    if "input" in error and kind not in ("value_error", "assertion_error") and loc:
        message = f"{message} (got {error['input']!r})"
    return Problem((*path, *_plain_loc(loc)), message)


def _plain_loc(loc: tuple) -> tuple:
    """Drop pydantic's union-branch labels (e.g. 'list[str]') from an error location."""
    return tuple(p for p in loc if isinstance(p, int) or not re.search(r"[\[\]()|]", str(p)))
