"""Malformed configs through the real `enchanted` command, one subprocess per case.

The requirement: every problem is one line `file[:line]: key.path: what was expected`, with a
"did you mean" for misspelt keys and type names; exit status 2; no traceback; nothing
written to disk.
"""

from __future__ import annotations

import copy
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from campaign_configs import double_gaussian_config

pytestmark = pytest.mark.integration

QUICKSTART = Path(__file__).resolve().parents[2] / "examples" / "quickstart.yaml"
TIMEOUT = 120
EXIT_USAGE = 2


def base_config(campaign: Path) -> dict[str, Any]:
    """A valid campaign that each case breaks."""
    return double_gaussian_config(campaign)


def run_enchanted(command: str, config: Path, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "enchanted_surrogates", command, str(config)],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


# --- how each case breaks the base config ------------------------------------------------
Mutation = Callable[[dict], "dict | list | str | None"]


def _parent(cfg: dict, keys: tuple) -> Any:
    node = cfg
    for key in keys[:-1]:
        node = node[key]
    return node


def put(*keys: Any, value: Any) -> Mutation:
    def mutate(cfg: dict) -> None:
        _parent(cfg, keys)[keys[-1]] = value

    return mutate


def drop(*keys: Any) -> Mutation:
    def mutate(cfg: dict) -> None:
        del _parent(cfg, keys)[keys[-1]]

    return mutate


def rename(*keys: Any, to: str) -> Mutation:
    def mutate(cfg: dict) -> None:
        parent = _parent(cfg, keys)
        # rebuild the mapping so the renamed key keeps its place in the file
        items = [(to if k == keys[-1] else k, v) for k, v in parent.items()]
        parent.clear()
        parent.update(items)

    return mutate


def both(*mutations: Mutation) -> Mutation:
    def mutate(cfg: dict) -> None:
        for mutation in mutations:
            mutation(cfg)

    return mutate


def syntax_error(cfg: dict) -> str:
    text = yaml.safe_dump(cfg, sort_keys=False)
    assert "  budget: 4\n" in text
    return text.replace("  budget: 4\n", "  budget: 4: 5\n")


def sampler_renamed(cfg: dict) -> None:
    cfg["samplers"] = {"sobol_main": cfg["samplers"]["s1"]}
    cfg["supervisor"]["run_order"][0]["sampler"] = "sobol_mian"


@dataclass(frozen=True)
class Case:
    id: str
    mutate: Mutation | None
    # (exact key path of the line, a fragment of its message); the first must be there,
    # with `line_of` (a regex) naming the file line it must point at, if given.
    expect: tuple[tuple[str, str], ...]
    line_of: str | None = None
    n_lines: int | None = None  # the exact number of lines, when it is known
    missing_file: bool = False


CASES = [
    Case(
        "yaml-syntax-error",
        syntax_error,
        (("(top level)", "YAML syntax error: mapping values are not allowed here"),),
        line_of=r"budget: 4: 5",
        n_lines=1,
    ),
    Case("missing-runners-section", drop("runners"), (("runners", "required key is missing"),)),
    Case(
        "missing-base-run-dir",
        drop("supervisor", "base_run_dir"),
        (("supervisor.base_run_dir", "required key is missing"),),
        n_lines=1,
    ),
    Case(
        "unknown-sampler-type",
        put("samplers", "s1", "type", value="RandomSampelr"),
        (("samplers.s1.type", "unknown type 'RandomSampelr'; did you mean 'RandomSampler'?"),),
        line_of=r"type: RandomSampelr",
        n_lines=1,
    ),
    Case(
        "unknown-executor-type",
        put("executors", "local", "type", value="LocalExecuter"),
        (("executors.local.type", "did you mean 'LocalExecutor'?"),),
        n_lines=1,
    ),
    Case(
        "misspelt-top-level-key",
        rename("samplers", to="sampelrs"),
        (("sampelrs", "unknown key; did you mean 'samplers'?"),),
        line_of=r"^sampelrs:",
        n_lines=1,
    ),
    Case(
        "misspelt-sampler-key",
        rename("samplers", "s1", "budget", to="budjet"),
        # one mistake, one line: the missing `budget` is the misspelt `budjet`
        (("samplers.s1.budjet", "unknown key; did you mean 'budget'?"),),
        line_of=r"^\s+budjet:",
        n_lines=1,
    ),
    Case(
        "unknown-query-strategy",
        put(
            "samplers",
            "s1",
            value={
                "type": "ActiveLearningSampler",
                "parameters": ["x", "y"],
                "bounds": [[0.0, 1.0], [0.0, 1.0]],
                "budget": 4,
                "query_strategy": "max_variance",
            },
        ),
        (("samplers.s1.query_strategy", "unknown query strategy 'max_variance'; did you mean"),),
        line_of=r"^\s+query_strategy:",
        n_lines=1,
    ),
    Case(
        "bounds-length-mismatch",
        put("samplers", "s1", "bounds", value=[[0.0, 1.0], [0.0, 1.0], [0.0, 1.0]]),
        (("samplers.s1.bounds", "2 parameters but 3 bounds"),),
        n_lines=1,
    ),
    Case(
        "negative-budget",
        put("samplers", "s1", "budget", value=-5),
        (("samplers.s1.budget", "greater than 0 (got -5)"),),
        line_of=r"^\s+budget: -5",
        n_lines=1,
    ),
    Case(
        "string-budget",
        put("samplers", "s1", "budget", value="many"),
        (("samplers.s1.budget", "valid integer"), ("samplers.s1.budget", "(got 'many')")),
        n_lines=1,
    ),
    Case(
        "run-order-undefined-sampler-close-name",
        sampler_renamed,
        (
            (
                "supervisor.run_order[0].sampler",
                "'sobol_mian' is not defined under 'samplers'; did you mean 'sobol_main'?",
            ),
        ),
        line_of=r"sampler: sobol_mian",
        n_lines=1,
    ),
    Case(
        "run-order-undefined-sampler-far-name",
        put("supervisor", "run_order", 0, "sampler", value="nothing_like_it"),
        (("supervisor.run_order[0].sampler", "not defined under 'samplers'; defined: s1"),),
        n_lines=1,
    ),
    Case(
        "runner-module-cannot-be-imported",
        put("runners", "r1", "type", value="no_such_pkg.module:Thing"),
        (("runners.r1.type", "cannot import 'no_such_pkg.module'"),),
        line_of=r"type: no_such_pkg\.module:Thing",
        n_lines=1,
    ),
    Case(
        "runner-class-not-in-module",
        put("runners", "r1", "type", value="enchanted_surrogates.runners.sum_runner:NoSuchRunner"),
        (("runners.r1.type", "has no 'NoSuchRunner'"),),
        n_lines=1,
    ),
    Case(
        "executor-negative-max-workers",
        put("executors", "local", "max_workers", value=-3),
        (("executors.local.max_workers", "greater than 0 (got -3)"),),
        n_lines=1,
    ),
    Case(
        "executor-string-max-workers",
        put("executors", "local", "max_workers", value="two"),
        (("executors.local.max_workers", "valid integer"),),
        n_lines=1,
    ),
    Case(
        "save-files-custom-without-list",
        put("supervisor", "save_files", value="custom"),
        (("supervisor.save_files_list", "save_files 'custom' needs a list"),),
        n_lines=1,
    ),
    Case(
        "run-mode-sometimes",
        put("supervisor", "run_mode", value="sometimes"),
        (("supervisor.run_mode", "'fresh', 'resume' or 'extend' (got 'sometimes')"),),
        line_of=r"^\s+run_mode: sometimes",
        n_lines=1,
    ),
    Case(
        "runner-key-misspelt",
        rename("runners", "r1", "dimensions", to="dimension"),
        (("runners.r1.dimension", "unknown key; did you mean 'dimensions'?"),),
        line_of=r"^\s+dimension:",
        n_lines=1,
    ),
    Case(
        "runner-constructor-raises",
        put("runners", "r1", "dimensions", value=3),
        (("runners.r1", "dimensions must be 1 or 2, got 3"),),
        n_lines=1,
    ),
    Case(
        "config-file-does-not-exist",
        None,
        (("(top level)", "cannot read the file: No such file or directory"),),
        n_lines=1,
        missing_file=True,
    ),
    Case(
        "yaml-is-a-list",
        lambda cfg: [cfg],
        (("(top level)", "expected a mapping of sections"),),
        n_lines=1,
    ),
    Case(
        "two-problems",
        both(
            put("samplers", "s1", "budget", value=-1),
            put("supervisor", "run_mode", value="sometimes"),
        ),
        (
            ("samplers.s1.budget", "greater than 0 (got -1)"),
            ("supervisor.run_mode", "(got 'sometimes')"),
        ),
        n_lines=2,
    ),
]


def write_case(case: Case, tmp_path: Path) -> Path:
    config = tmp_path / ("missing.yaml" if case.missing_file else "config.yaml")
    if case.missing_file:
        return config
    data: Any = base_config(tmp_path / "campaign")
    if case.mutate is not None:
        result = case.mutate(data)
        data = data if result is None else result
    text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False)
    config.write_text(text)
    return config


LINE = re.compile(r"^(?::(\d+))?: (.+?): (.*)$")


def parse_error_lines(stderr: str, config: Path) -> list[tuple[int | None, str, str]]:
    """(line, key path, message) per stderr line; each must start with the config path."""
    parsed = []
    for raw in stderr.splitlines():
        if not raw.strip():
            continue
        assert raw.startswith(str(config)), f"line does not start with the config path: {raw!r}"
        match = LINE.match(raw[len(str(config)) :])
        assert match, f"not of the form 'file[:line]: key.path: message': {raw!r}"
        line = int(match.group(1)) if match.group(1) else None
        parsed.append((line, match.group(2), match.group(3)))
    return parsed


def assert_rejected(
    result: subprocess.CompletedProcess, case: Case, config: Path, tmp_path: Path
) -> None:
    report = f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert result.returncode == EXIT_USAGE, report
    assert "Traceback" not in result.stderr, report
    assert "Traceback" not in result.stdout, report
    problems = parse_error_lines(result.stderr, config)
    assert problems, report
    if case.n_lines is not None:
        assert len(problems) == case.n_lines, report
    for key_path, fragment in case.expect:
        assert any(p == key_path and fragment in m for _, p, m in problems), (
            f"no line for {key_path!r} containing {fragment!r}\n{report}"
        )
    if case.line_of is not None:
        text_lines = config.read_text().splitlines()
        wanted = next(i for i, t in enumerate(text_lines, 1) if re.search(case.line_of, t))
        key_path, fragment = case.expect[0]
        assert any(line == wanted and p == key_path and fragment in m for line, p, m in problems), (
            f"expected line {wanted} for {key_path!r}\n{report}"
        )
    # nothing written: no campaign folder, and no file but the config itself
    assert not (tmp_path / "campaign").exists(), report
    expected_files = [] if case.missing_file else [config.name]
    assert sorted(p.name for p in tmp_path.iterdir()) == expected_files, report


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_run_rejects_malformed_config(case: Case, tmp_path: Path) -> None:
    config = write_case(case, tmp_path)
    result = run_enchanted("run", config, tmp_path)
    assert_rejected(result, case, config, tmp_path)


def test_cases_are_distinct() -> None:
    assert len(CASES) >= 12
    assert len({case.id for case in CASES}) == len(CASES)


def test_base_config_is_valid(tmp_path: Path) -> None:
    """Each case's failure must come from its mutation, not from the base config."""
    from enchanted_surrogates.config import load_spec

    spec = load_spec(base_config(tmp_path / "campaign"))
    assert spec.base_run_dir == tmp_path / "campaign"
    assert [level.sampler.name for level in spec.levels] == ["s1"]
    assert not (tmp_path / "campaign").exists()


def test_validate_quickstart_writes_nothing(tmp_path: Path) -> None:
    result = run_enchanted("validate", QUICKSTART, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert f"{QUICKSTART}: valid" in result.stdout
    assert "total: 64 runs, 64 dataset rows" in result.stdout.splitlines()
    # base_run_dir is `runs/quickstart`, relative to the cwd: validate must not create it
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if c.id in ("misspelt-sampler-key", "yaml-syntax-error")],
    ids=lambda c: c.id,
)
def test_validate_rejects_malformed_config(case: Case, tmp_path: Path) -> None:
    config = write_case(case, tmp_path)
    result = run_enchanted("validate", config, tmp_path)
    assert_rejected(result, case, config, tmp_path)
    assert "valid" not in result.stdout


def test_validate_accepts_deprecated_runner_keys_with_a_warning(tmp_path: Path) -> None:
    data = base_config(tmp_path / "campaign")
    data["runners"]["r1"].update(other_params={"a": 1}, parameter_mode="all")
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump(copy.deepcopy(data), sort_keys=False))
    result = run_enchanted("validate", config, tmp_path)
    assert result.returncode == 0, result.stderr
    warning_lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(warning_lines) == 2, result.stderr
    for key, line in zip(("other_params", "parameter_mode"), warning_lines):
        assert line.startswith(f"warning: {config}: runners.r1.{key}"), line
        assert "deprecated" in line
    assert "total: 4 runs" in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.yaml"]
