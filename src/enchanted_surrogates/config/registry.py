"""Resolve a config `type:` to a class.

Accepted: a built-in name in PascalCase or snake_case (`RandomSampler`, `random_sampler`),
an import path (`package.module:ClassName` or `package.module.ClassName`), or a name that
an installed package registers under the entry-point group `enchanted_surrogates.<kind>`.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
from importlib.metadata import entry_points
from typing import Any

from enchanted_surrogates.config.errors import did_you_mean

KINDS = ("runners", "samplers", "executors", "parsers")

BUILTINS: dict[str, dict[str, str]] = {
    "executors": {
        "LocalExecutor": "enchanted_surrogates.executors.local:LocalExecutor",
        "JoblibExecutor": "enchanted_surrogates.executors.local:LocalExecutor",
        "DaskExecutor": "enchanted_surrogates.executors.dask:DaskExecutor",
        "BatchExecutor": "enchanted_surrogates.executors.batch:BatchExecutor",
    },
    "samplers": {
        "GridSampler": "enchanted_surrogates.samplers.grid:GridSampler",
        "ArraySampler": "enchanted_surrogates.samplers.array:ArraySampler",
        "RandomSampler": "enchanted_surrogates.samplers.random:RandomSampler",
        "LatinHypercubeSampler": "enchanted_surrogates.samplers.latin_hypercube:"
        "LatinHypercubeSampler",
        "SobolSequenceSampler": "enchanted_surrogates.samplers.sobol:SobolSequenceSampler",
        "ExplicitPointsSampler": "enchanted_surrogates.samplers.explicit_points:"
        "ExplicitPointsSampler",
        "SaltelliSampler": "enchanted_surrogates.samplers.saltelli:SaltelliSampler",
        "MorrisSampler": "enchanted_surrogates.samplers.morris:MorrisSampler",
        "PCESampler": "enchanted_surrogates.samplers.pce:PCESampler",
        "ActiveLearningSampler": "enchanted_surrogates.samplers.active_learning:"
        "ActiveLearningSampler",
        "BayesianOptimizationSampler": "enchanted_surrogates.samplers.bayesian_optimization:"
        "BayesianOptimizationSampler",
    },
    "runners": {
        "ExampleRunner": "enchanted_surrogates.runners.example_runner:ExampleRunner",
        "SumRunner": "enchanted_surrogates.runners.sum_runner:SumRunner",
        "SyntheticDoubleGaussianRunner": "enchanted_surrogates.runners."
        "synthetic_double_gaussian_runner:SyntheticDoubleGaussianRunner",
        "CommandRunner": "enchanted_surrogates.runners.command_runner:CommandRunner",
        "FunctionRunner": "enchanted_surrogates.runners.function_runner:FunctionRunner",
    },
    "parsers": {
        "NamelistParser": "enchanted_surrogates.parsers.namelist:NamelistParser",
        "TemplateParser": "enchanted_surrogates.parsers.template:TemplateParser",
        "JsonParser": "enchanted_surrogates.parsers.mapping_file:JsonParser",
        "YamlParser": "enchanted_surrogates.parsers.mapping_file:YamlParser",
        "CsvRowParser": "enchanted_surrogates.parsers.csv_row:CsvRowParser",
        "RegexParser": "enchanted_surrogates.parsers.regex:RegexParser",
        "KeyValueParser": "enchanted_surrogates.parsers.key_value:KeyValueParser",
        "FunctionParser": "enchanted_surrogates.parsers.function:FunctionParser",
    },
}


class ResolveError(ValueError):
    """A `type:` that names nothing importable; the message says what was tried."""


def _normal(name: str) -> str:
    return name.replace("_", "").replace("-", "").lower()


def builtin_target(kind: str, type_name: str) -> str | None:
    """The import path a built-in `type:` name stands for, or None if it is not one."""
    wanted = _normal(type_name)
    return next((t for n, t in BUILTINS[kind].items() if _normal(n) == wanted), None)


def _plugins(kind: str) -> dict[str, str]:
    found = _registered(_where_packages_are()).select(group=f"enchanted_surrogates.{kind}")
    return {ep.name: ep.value for ep in found}


def _where_packages_are() -> tuple[tuple[str, int], ...]:
    """sys.path with each folder's modification time: installing or removing a package
    changes its folder's, so a cached scan is never stale."""
    found = []
    for entry in sys.path:
        try:
            found.append((entry, os.stat(entry or ".").st_mtime_ns))
        except OSError:
            continue
    return tuple(found)


@functools.lru_cache(maxsize=4)
def _registered(where: tuple[tuple[str, int], ...]) -> Any:
    """Every installed package's entry points: one scan of their metadata (~8 ms) for a
    whole config instead of one per entry."""
    return entry_points()


def known_names(kind: str) -> list[str]:
    """Every name `type:` accepts for `kind` without an import path."""
    return sorted({*BUILTINS[kind], *_plugins(kind)})


def import_path(target: str) -> type:
    """Import `package.module:Name` (or the dotted form) and return the object."""
    if ":" in target:
        module_name, _, attr = target.partition(":")
    else:
        module_name, _, attr = target.rpartition(".")
    if not module_name or not attr:
        raise ResolveError(f"'{target}' is not of the form package.module:ClassName")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ResolveError(f"cannot import '{module_name}': {exc}") from None
    except Exception as exc:
        reason = f"{type(exc).__name__}: {exc}"
        raise ResolveError(f"importing '{module_name}' failed: {reason}") from None
    obj = module
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise ResolveError(f"module '{module_name}' has no '{attr}'") from None
    return obj


def resolve(kind: str, type_name: str) -> type:
    """The class that `type: type_name` means for a `kind` entry."""
    table = {**BUILTINS[kind], **_plugins(kind)}
    wanted = _normal(type_name)
    for name, target in table.items():
        if _normal(name) == wanted:
            return import_path(target)
    if ":" in type_name or "." in type_name:
        return import_path(type_name)
    hint = did_you_mean(type_name, table) or (
        f"; known {kind}: {', '.join(sorted(table))}" if table else ""
    )
    raise ResolveError(f"unknown type '{type_name}'{hint}")
