"""The contract plugins of the original rely on: keyword calls, `other_params` for
**kwargs runners, a fresh runner per run unless it is reusable, the original's parser
method names, and the `utils` modules they import."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
from campaign_configs import double_gaussian_config
from es_original_style import FileReadingParser, KwargsRunner, ReusableKwargsRunner

from enchanted_surrogates.config import load_spec
from enchanted_surrogates.executors.worker import get_runner, run_task
from enchanted_surrogates.runs.status import Status
from enchanted_surrogates.runs.task import make_task
from enchanted_surrogates.utils.is_package_available import is_package_available
from enchanted_surrogates.utils.logger import get_logger


def test_a_runner_written_params_first_gets_its_arguments_by_keyword(tmp_path: Path) -> None:
    result = run_task(make_task(KwargsRunner, {"x": 1.0, "y": 2.0}, str(tmp_path / "r")))
    assert result.status is Status.SUCCESS, result.error
    assert result.outputs["sum"] == 3.0


def test_a_runner_gets_a_fresh_instance_per_run_unless_reusable(tmp_path: Path) -> None:
    fresh = [make_task(KwargsRunner, {"x": 0, "y": i}, str(tmp_path / f"a{i}")) for i in range(3)]
    assert [run_task(task).outputs["runs"] for task in fresh] == [1, 1, 1]
    assert get_runner(fresh[0].runner) is not get_runner(fresh[0].runner)
    shared = [
        make_task(ReusableKwargsRunner, {"x": 0, "y": i}, str(tmp_path / f"b{i}")) for i in range(3)
    ]
    assert [run_task(task).outputs["runs"] for task in shared] == [1, 2, 3]
    assert get_runner(shared[0].runner) is get_runner(shared[0].runner)


def test_a_kwargs_runner_receives_other_params(tmp_path: Path) -> None:
    config = double_gaussian_config(tmp_path / "c")
    config["runners"]["r1"] = {
        "type": "es_original_style:KwargsRunner",
        "other_params": {"code_path": "/opt/code"},
    }
    spec = load_spec(config)
    entry = spec.levels[0].runners[0]
    assert entry.options == {"other_params": {"code_path": "/opt/code"}}
    assert entry.build().other_params == {"code_path": "/opt/code"}
    assert spec.warnings == ()


def test_a_parser_with_only_read_output_file_is_read_through_read_output(tmp_path: Path) -> None:
    assert FileReadingParser().read_output(str(tmp_path)) == {"read_from": str(tmp_path)}


def test_get_logger_logs_under_the_package_logger() -> None:
    assert get_logger("my_plugin.runner").name == "enchanted_surrogates.plugins.my_plugin.runner"
    assert get_logger("enchanted_surrogates.x") is logging.getLogger("enchanted_surrogates.x")


def test_is_package_available_does_not_raise_for_missing_parents() -> None:
    assert is_package_available("numpy") and is_package_available("dask.distributed")
    assert not is_package_available("es_no_such_package")
    assert not is_package_available("es_no_such_package.sub")


def test_the_datapoint_file_carries_the_original_columns(tmp_path: Path) -> None:
    task = make_task(KwargsRunner, {"x": 1.0, "y": 2.0}, str(tmp_path / "r"))
    run_task(task)
    point = pd.read_csv(tmp_path / "r" / "enchanted_datapoint.csv")
    assert bool(point.loc[0, "success_KwargsRunner"]) is True
    assert point.loc[0, "runtime_sec_KwargsRunner"] >= 0
    assert point.columns[-1] == "run_dir" and point.loc[0, "run_dir"] == str(tmp_path / "r")
