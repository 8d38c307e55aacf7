"""SumRunner: a fast in-process runner whose failures can be placed on purpose."""

from __future__ import annotations

import numpy as np
import pytest

from enchanted_surrogates.runners.sum_runner import SumRunner


def test_sums_only_the_listed_params(tmp_path):
    result = SumRunner(params_to_sum=["a", "b"]).single_code_run(
        str(tmp_path), {"a": 1.5, "b": 2.25, "c": 100.0}
    )
    assert result == {"output": 3.75, "success": True}
    assert type(result["output"]) is float


def test_absent_keys_are_skipped(tmp_path):
    result = SumRunner(params_to_sum=["a", "missing"]).single_code_run(str(tmp_path), {"a": 2})
    assert result == {"output": 2.0, "success": True}
    assert type(result["output"]) is float


def test_numpy_values_give_a_python_float(tmp_path):
    result = SumRunner(params_to_sum=["a", "b"]).single_code_run(
        str(tmp_path), {"a": np.float64(0.5), "b": np.int64(1)}
    )
    assert result["output"] == 1.5
    assert type(result["output"]) is float


def test_writes_params_file(tmp_path):
    params = {"a": 1.0, "b": 2.0}
    SumRunner(params_to_sum=["a"]).single_code_run(str(tmp_path / "run"), params)
    assert (tmp_path / "run" / "params.txt").read_text() == str(params)


@pytest.mark.parametrize(("a", "success"), [(1.0, False), (1.2, False), (0.8, False), (1.3, True)])
def test_fail_if_marks_outputs_near_it_unsuccessful(tmp_path, a, success):
    result = SumRunner(params_to_sum=["a"], fail_if=1.0).single_code_run(str(tmp_path), {"a": a})
    assert result["success"] is success
    assert result["output"] == a
    if success:
        assert "error" not in result
    else:
        assert result["error"] == "output within 0.25 of fail_if=1.0"


def test_without_fail_if_never_fails(tmp_path):
    result = SumRunner(params_to_sum=["a"]).single_code_run(str(tmp_path), {"a": 0.0})
    assert result == {"output": 0.0, "success": True}
