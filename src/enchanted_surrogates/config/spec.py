"""Load and validate a config into a `CampaignSpec`, the typed, immutable campaign plan.

Validation happens completely before anything touches the disk: every problem is
collected, reported one per line, and nothing is written.
"""

from __future__ import annotations

import copy
import dataclasses
import typing
import warnings
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from enchanted_surrogates.config import options as opts
from enchanted_surrogates.config.errors import ConfigError, Path, Problem, did_you_mean
from enchanted_surrogates.config.hdf5_default import skip_default_runs_h5
from enchanted_surrogates.config.journal_size import huge_budget_warning
from enchanted_surrogates.config.legacy import upgrade_legacy_layout
from enchanted_surrogates.config.loading import LineMap, read_config_file
from enchanted_surrogates.config.models import CampaignConfig, Mode, RunnerLimits
from enchanted_surrogates.config.registry import ResolveError, resolve

SECTIONS = {"executors": "executor", "samplers": "sampler", "runners": "runner"}

# Keys the original accepted on runners and silently ignored.
DEPRECATED_RUNNER_KEYS = ("other_params", "parameter_mode")


@dataclass(frozen=True)
class EntrySpec:
    """A named executor, sampler or runner: its class and its validated keys."""

    kind: str
    name: str
    cls: type
    options: dict[str, Any]
    limits: RunnerLimits = field(default_factory=RunnerLimits)

    def build(self) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return self.cls(**copy.deepcopy(self.options))


@dataclass(frozen=True)
class LevelSpec:
    """One `run_order` entry: a sampler feeding one runner (or a chain of stages)."""

    index: int
    sampler: EntrySpec
    executors: tuple[EntrySpec, ...]
    runners: tuple[EntrySpec, ...]
    mode: Mode


@dataclass(frozen=True)
class CampaignSpec:
    config: CampaignConfig
    levels: tuple[LevelSpec, ...]
    source: str
    text: str
    warnings: tuple[str, ...] = field(default=())
    # samplers given `budget: 0` under extend: add no points at their level
    extend_nothing: frozenset[str] = field(default=frozenset())

    @property
    def base_run_dir(self) -> FsPath:
        return FsPath(self.config.supervisor.base_run_dir)

    @property
    def config_name(self) -> str:
        stem = FsPath(self.source).name if self.source.endswith((".yaml", ".yml")) else ""
        return stem or "config.yaml"


def load_spec(
    config: str | FsPath | dict,
    *,
    base_run_dir: str | None = None,
    run_mode: str | None = None,
) -> CampaignSpec:
    """Read, check and plan a campaign; raise ConfigError listing every problem."""
    if isinstance(config, dict):
        source, data, lines = "<dict>", copy.deepcopy(config), LineMap()
        text = yaml.safe_dump(config, sort_keys=False)
    else:
        text, data, lines = read_config_file(config)
        source = str(config)
    checker = _Checker(source, lines)
    if not isinstance(data, dict):
        checker.fail((), "expected a mapping of sections: executors, samplers, runners, supervisor")
    data = upgrade_legacy_layout(data, checker.warnings)
    skip_default_runs_h5(data, checker.warnings)
    supervisor = data.get("supervisor")
    if isinstance(supervisor, dict):
        if base_run_dir is not None:
            supervisor["base_run_dir"] = base_run_dir
        if run_mode is not None:
            supervisor["run_mode"] = run_mode
    extend_nothing = _take_zero_budgets(data)
    spec = checker.check(data, text)
    huge = huge_budget_warning(spec)
    if huge:
        spec = dataclasses.replace(spec, warnings=(*spec.warnings, huge))
    return dataclasses.replace(spec, extend_nothing=extend_nothing) if extend_nothing else spec


def _take_zero_budgets(data: dict) -> frozenset[str]:
    """Under extend, `budget: 0` means "add nothing at this level": such a sampler is
    checked with a budget of 1 and the campaign adds no points to it."""
    supervisor = data.get("supervisor")
    samplers = data.get("samplers")
    if not isinstance(supervisor, dict) or supervisor.get("run_mode") != "extend":
        return frozenset()
    if not isinstance(samplers, dict):
        return frozenset()
    names = []
    for name, entry in samplers.items():
        if isinstance(entry, dict) and entry.get("budget") == 0:
            entry["budget"] = 1
            names.append(str(name))
    return frozenset(names)


class _Checker:
    def __init__(self, source: str, lines: LineMap) -> None:
        self.source = source
        self.lines = lines
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        self._defined: dict[str, list[str]] = {}

    def add(self, path: Path, message: str) -> None:
        self.problems.append(Problem(tuple(path), message, self.lines.line(path)))

    def fail(self, path: Path, message: str) -> typing.NoReturn:
        self.add(path, message)
        raise ConfigError(self.problems, self.source)

    def check(self, data: dict, text: str) -> CampaignSpec:
        try:
            config = CampaignConfig.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                loc = tuple(error["loc"])
                if len(loc) >= 2 and loc[0] in SECTIONS:
                    continue  # entries are checked below, by their own types
                problem = opts.problem_from_error(
                    error, (), _model_at(CampaignConfig, loc), _model_at(CampaignConfig, (*loc, ""))
                )
                self.add(problem.path, problem.message)
            self._check_entries(data)
            raise ConfigError(self.problems, self.source) from None
        entries = self._check_entries(data)
        levels = self._check_run_order(config, entries)
        if self.problems:
            raise ConfigError(self.problems, self.source)
        return CampaignSpec(config, levels, self.source, text, tuple(self.warnings))

    def _check_entries(self, data: dict) -> dict[str, dict]:
        found: dict[str, dict[str, EntrySpec]] = {}
        for section, kind in SECTIONS.items():
            found[section] = {}
            block = data.get(section)
            if not isinstance(block, dict):
                continue
            self._defined[section] = [str(name) for name in block]
            for name, entry in block.items():
                spec = self._check_entry(section, kind, str(name), entry)
                if spec is not None:
                    found[section][str(name)] = spec
        return found

    def _check_entry(self, section: str, kind: str, name: str, entry: Any) -> EntrySpec | None:
        path = (section, name)
        if not isinstance(entry, dict):
            self.add(path, f"expected a mapping with a 'type' key, got {type(entry).__name__}")
            return None
        if "type" not in entry:
            self.add((*path, "type"), f"required key is missing (which {kind} to use)")
            return None
        try:
            cls = resolve(section, str(entry["type"]))
        except ResolveError as exc:
            self.add((*path, "type"), str(exc))
            return None
        if not _is_kind(section, cls):
            self.add((*path, "type"), f"'{entry['type']}' is not {_KIND_NEEDS[section]}")
            return None
        options = {k: v for k, v in entry.items() if k != "type"}
        limits = RunnerLimits()
        if section == "runners":
            limits = self._take_limits(options, path)
            for key in DEPRECATED_RUNNER_KEYS:
                if key in options and not (opts.accepts_key(cls, key) or opts.takes_any_key(cls)):
                    options.pop(key)
                    self.warnings.append(
                        f"{self.source}: runners.{name}.{key} is ignored (deprecated); "
                        "remove it from the config"
                    )
        problems = opts.check_options(cls, options, path)
        for problem in problems:
            self.add(problem.path, problem.message)
        if problems:
            return None
        spec = EntrySpec(kind, name, cls, opts.coerced_options(cls, options), limits)
        self._try_build(spec, path)
        return spec

    def _take_limits(self, options: dict[str, Any], path: Path) -> RunnerLimits:
        """Move the framework keys (timeout, memory_limit, retries, retry_on) out of a
        runner entry and validate them; the runner class never sees them."""
        keys = {k: options.pop(k) for k in list(options) if k in RunnerLimits.model_fields}
        try:
            return RunnerLimits.model_validate(keys)
        except ValidationError as exc:
            for error in exc.errors():
                problem = opts.problem_from_error(error, path, RunnerLimits, RunnerLimits)
                self.add(problem.path, problem.message)
            return RunnerLimits()

    def _try_build(self, spec: EntrySpec, path: Path) -> None:
        """Build the object once, so errors its constructor raises are config errors too."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                built = spec.cls(**copy.deepcopy(spec.options))
                for line in getattr(built, "validation_warnings", list)():
                    warnings.warn(line, stacklevel=1)
            except ValidationError as exc:
                model = opts.options_model(spec.cls)
                for error in exc.errors():
                    problem = opts.problem_from_error(error, path, model, model)
                    self.add(problem.path, problem.message)
            except Exception as exc:  # any constructor failure is a problem of this entry
                self.add(path, f"building it failed: {type(exc).__name__}: {exc}")
        for warning in caught:
            self.warnings.append(f"{self.source}: {'.'.join(path)}: {warning.message}")

    def _check_run_order(self, config: CampaignConfig, entries: dict) -> tuple[LevelSpec, ...]:
        levels = []
        for index, entry in enumerate(config.supervisor.run_order):
            base = ("supervisor", "run_order", index)
            sampler = self._lookup(entries, "samplers", entry.sampler, (*base, "sampler"))
            executors = [
                self._lookup(entries, "executors", n, (*base, "executor")) for n in entry.executors
            ]
            runners = [
                self._lookup(entries, "runners", n, (*base, "runner")) for n in entry.runners
            ]
            if sampler and all(executors) and all(runners):
                mode = entry.mode or config.supervisor.mode
                levels.append(LevelSpec(index, sampler, tuple(executors), tuple(runners), mode))
        return tuple(levels)

    def _lookup(self, entries: dict, section: str, name: str, path: Path) -> EntrySpec | None:
        if name in entries[section]:
            return entries[section][name]
        defined = self._defined.get(section, ())
        if name not in defined:
            hint = did_you_mean(name, defined) or (
                f"; defined: {', '.join(defined)}" if defined else f"; '{section}' is empty"
            )
            self.add(path, f"'{name}' is not defined under '{section}'{hint}")
        return None


_KIND_NEEDS = {
    "executors": "an executor (a subclass of enchanted_surrogates.Executor)",
    "samplers": "a sampler (it needs ask() or get_next_samples())",
    "runners": "a runner (it needs single_code_run())",
}


def _is_kind(section: str, cls: type) -> bool:
    """Does the resolved class fit the section it was named in?"""
    from enchanted_surrogates.executors.base import Executor

    if not isinstance(cls, type):
        return False
    if section == "executors":
        return issubclass(cls, Executor)
    if section == "samplers":
        return hasattr(cls, "ask") or hasattr(cls, "get_next_samples")
    return callable(getattr(cls, "single_code_run", None))


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel]:
    """The pydantic model that owns the last key of `loc` (for 'did you mean' hints)."""
    current = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field_info = current.model_fields.get(str(part))
        if field_info is None:
            break
        inner = _find_model(field_info.annotation)
        if inner is None:
            break
        current = inner
    return current


def _find_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _find_model(arg)
        if found is not None:
            return found
    return None
