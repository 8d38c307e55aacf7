"""The scenarios of the original's workflow tests (automated_tests_no_HPC), with configs
in the original's format, asserting the original's row and run-directory counts, or the
documented difference and the switch that restores the original's."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

pytestmark = pytest.mark.integration

HEADER = """
executors:
  e1:
    type: {executor}
"""

SIMPLE = """
samplers:
  s1:
    type: RandomSampler
    bounds: [[0.0, 1.0], [0.0, 10.0]]
    budget: {budget}
    parameters: ['x', 'y']
runners:
  r1:
    type: ExampleRunner
    sleep_sec: 0.0
    other_params: {{}}
supervisor:
  base_run_dir: {base}
  run_order:
  - executor: e1
    sampler: s1
    runner: r1
"""

NESTED = """
samplers:
  s1: {{type: GridSampler, bounds: [[-5, 5], [0, 1]], parameters: ['c1', 'c2'], num_samples: 2}}
  s2: {{type: GridSampler, bounds: [[-5, 5], [0, 1]], parameters: ['c3', 'c4'], num_samples: 2}}
  s3: {{type: GridSampler, bounds: [[-5, 5], [0, 1]], parameters: ['c5', 'c6'], num_samples: 2}}
runners:
  r1: {{type: ExampleRunner, parameter_mode: 0, sleep_sec: 0.0}}
  r2: {{type: ExampleRunner, parameter_mode: 1, sleep_sec: 0.0}}
  r3: {{type: ExampleRunner, parameter_mode: 2, sleep_sec: 0.0}}
supervisor:
  base_run_dir: {base}
  run_order:
  - {{executor: e1, sampler: s1, runner: r1}}
  - {{executor: e1, sampler: s2, runner: r2}}
  - {{executor: e1, sampler: s3, runner: r3}}
"""

SEQUENTIAL = """
samplers:
  s1: {{type: RandomSampler, bounds: [[0, 1], [0, 1]], budget: 10, parameters: [c1, c2]}}
runners:
  r1: {{type: SumRunner, params_to_sum: [c1, c2]}}
  r2: {{type: SumRunner, params_to_sum: [output, c1]}}
supervisor:
  base_run_dir: {base}
  run_order:
  - sampler: s1
    executor: [e1, e1]
    runner: [r1, r2]
"""

FAILURES = """
samplers:
  s1: {{type: ArraySampler, bounds: [[1, 2, 1, 3]], parameters: ['c1']}}
  s2: {{type: ArraySampler, bounds: [[1, 3, 1]], parameters: ['c2']}}
runners:
  r1: {{type: SumRunner, params_to_sum: [c1], fail_if: 2}}
  r2: {{type: SumRunner, params_to_sum: [output, c1], fail_if: 2}}
  r3: {{type: SumRunner, params_to_sum: [c1, c2], fail_if: 2}}
supervisor:
  base_run_dir: {base}
{extra}  run_order:
{order}
"""
ORDERS = {
    "simple": "  - {executor: e1, sampler: s1, runner: [r1]}",
    "sequential": "  - {executor: [e1, e1], sampler: s1, runner: [r1, r2]}",
    "nested": "  - {executor: e1, sampler: s1, runner: r1}\n"
    "  - {executor: e1, sampler: s2, runner: r3}",
}


def _run(enchanted, tmp_path: Path, text: str, *args: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text)
    yaml.safe_load(text)  # the test's own config is well-formed
    done = enchanted("run", path, *args, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    return tmp_path / "run"


@pytest.mark.parametrize(
    ("executor", "budget"), [("LocalExecutor", 10), ("JoblibExecutor", 50), ("DaskExecutor", 12)]
)
def test_full_workflow(tmp_path, enchanted, executor, budget):
    base = tmp_path / "run"
    text = HEADER.format(executor=executor) + SIMPLE.format(budget=budget, base=base)
    _run(enchanted, tmp_path, text)
    df = pd.read_csv(base / "enchanted_dataset.csv")
    assert len(df) == budget and df["success"].all()
    assert len(list((base / "data").iterdir())) == budget
    point = pd.read_csv(next((base / "data").iterdir()) / "enchanted_datapoint.csv")
    assert {"success_r1", "runtime_sec_r1"} <= set(point.columns)
    assert point.columns[-1] == "run_dir"


@pytest.mark.parametrize("executor", ["LocalExecutor", "DaskExecutor"])
def test_nested_with_one_executor_reused(tmp_path, enchanted, executor):
    base = tmp_path / "run"
    _run(enchanted, tmp_path, HEADER.format(executor=executor) + NESTED.format(base=base))
    assert len(pd.read_csv(base / "enchanted_dataset.csv")) == 64  # the deepest level
    assert len(pd.read_csv(base / "last_complete_enchanted_dataset.csv")) == 16
    assert len(pd.read_csv(base / "enchanted_all_levels_dataset.csv")) == 84
    assert len(list((base / "data").iterdir())) == 84


def test_sequential(tmp_path, enchanted):
    base = tmp_path / "run"
    _run(
        enchanted, tmp_path, HEADER.format(executor="LocalExecutor") + SEQUENTIAL.format(base=base)
    )
    df = pd.read_csv(base / "enchanted_dataset.csv")
    assert len(df) == 10 and len(list((base / "data").iterdir())) == 20
    assert ((df["output"] - (2 * df["c1"] + df["c2"])).abs() < 1e-9).all()


def _failures(kind: str, base: Path, extra: str = "") -> str:
    return HEADER.format(executor="LocalExecutor") + FAILURES.format(
        base=base, order=ORDERS[kind], extra=extra
    )


ORIGINAL_SWITCHES = (
    "  nested_failed_parents: include\n  sequential_failed_stages: continue\n"
    "  nested_parent_columns: original\n"
)


@pytest.mark.parametrize(
    ("kind", "rows", "failures"),
    [
        ("simple", 4, {"r1": 1}),
        ("sequential", 4, {"r1": 1, "r2": 2}),
        ("nested", 12, {"r1": 3, "r3": 4}),
    ],
)
def test_runner_failures_with_the_original_switches(tmp_path, enchanted, kind, rows, failures):
    base = tmp_path / "run"
    _run(enchanted, tmp_path, _failures(kind, base, ORIGINAL_SWITCHES))
    df = pd.read_csv(base / "enchanted_dataset.csv")
    assert len(df) == rows
    for runner, count in failures.items():
        assert (~df[f"success_{runner}"].astype(bool)).sum() == count
    last = list(failures)[-1]
    assert (df["success"] == df[f"success_{last}"]).all()


@pytest.mark.parametrize(
    ("kind", "rows", "run_dirs"), [("sequential", 4, 4 + 3), ("nested", 9, 4 + 9)]
)
def test_runner_failures_by_default_end_the_chain_and_skip_failed_parents(
    tmp_path, enchanted, kind, rows, run_dirs
):
    base = tmp_path / "run"
    _run(enchanted, tmp_path, _failures(kind, base))
    assert len(pd.read_csv(base / "enchanted_dataset.csv")) == rows
    assert len(list((base / "data").iterdir())) == run_dirs


def test_budget_increase_by_extend(tmp_path, enchanted):
    base = tmp_path / "run"
    text = HEADER.format(executor="LocalExecutor") + SIMPLE.format(budget=6, base=base)
    _run(enchanted, tmp_path, text)
    _run(enchanted, tmp_path, text.replace("budget: 6", "budget: 4"), "--extend")
    df = pd.read_csv(base / "enchanted_dataset.csv")
    assert len(df) == 10 and df["run_dir"].is_unique


def test_budget_increase_by_resume(tmp_path, enchanted):
    base = tmp_path / "run"
    text = HEADER.format(executor="LocalExecutor") + SIMPLE.format(budget=6, base=base)
    _run(enchanted, tmp_path, text)
    _run(enchanted, tmp_path, text.replace("budget: 6", "budget: 9"), "--resume")
    assert len(pd.read_csv(base / "enchanted_dataset.csv")) == 9
