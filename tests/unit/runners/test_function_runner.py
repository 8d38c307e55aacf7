"""FunctionRunner: a Python function as the code, with the return shapes users write."""

from __future__ import annotations

import os
import sys
import tempfile

import numpy as np
import pytest
from pydantic import ValidationError

from enchanted_surrogates.executors.worker import check_outputs
from enchanted_surrogates.runners.function_runner import FunctionRunner
from enchanted_surrogates.runs.errors import RunError
from enchanted_surrogates.runs.status import Status

NOT_A_FUNCTION = 42


def energy(x: float, y: float) -> float:
    return (x - 0.3) ** 2 + y


def numpy_energy(x: float, y: float) -> np.float64:
    return np.float64(x * y)


def as_dict(x: float, y: float) -> dict:
    return {"sum": x + y, "diff": x - y}


def unsuccessful(x: float, y: float) -> dict:
    return {"sum": x + y, "success": False, "error": "did not converge"}


def with_info(x: float, y: float) -> tuple:
    return {"sum": x + y}, {"iterations": 12, "solver": "cg"}


def number_with_info(x: float, y: float) -> tuple:
    return x * y, {"iterations": 3}


def clashing_info(x: float, y: float) -> tuple:
    return {"sum": x + y}, {"sum": 0}


def three_tuple(x: float, y: float) -> tuple:
    return {"sum": x + y}, {}, {}


def takes_the_dict(params: dict) -> float:
    return sum(params.values())


def returns(value):
    def function(**params):
        return value

    return function


RETURNS_LIST = returns([1.0, 2.0])
RETURNS_NONE = returns(None)
RETURNS_BOOL = returns(True)
RETURNS_STR = returns("1.5")


def run(name: str, params: dict | None = None, **options) -> dict:
    runner = FunctionRunner(function=f"{__name__}:{name}", **options)
    return runner.single_code_run(
        tempfile.mkdtemp(), {"x": 0.5, "y": 2.0} if params is None else params
    )


def test_a_number_is_the_output_column():
    result = run("energy")
    assert result == {"output": pytest.approx(2.04), "success": True}
    assert check_outputs(result)[1] is Status.SUCCESS


def test_a_numpy_number_is_accepted():
    result = run("numpy_energy")
    assert result == {"output": 1.0, "success": True}
    assert check_outputs(result)[0] == {"output": 1.0}


def test_a_dict_gives_its_columns_and_success_defaults_to_true():
    assert run("as_dict") == {"sum": 2.5, "diff": -1.5, "success": True}


def test_a_dict_may_say_it_failed():
    result = run("unsuccessful")
    assert result["success"] is False
    assert check_outputs(result)[1:] == (Status.FAILED, "did not converge")


def test_a_tuple_merges_the_info_columns():
    assert run("with_info") == {"sum": 2.5, "success": True, "iterations": 12, "solver": "cg"}
    assert run("number_with_info") == {"output": 1.0, "success": True, "iterations": 3}


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("clashing_info", "info repeats the result's sum"),
        ("three_tuple", "returned a tuple; expected"),
        ("RETURNS_LIST", "returned a list; expected"),
        ("RETURNS_NONE", "returned a NoneType; expected"),
        ("RETURNS_BOOL", "returned a bool; expected"),
        ("RETURNS_STR", "returned a str; expected"),
    ],
)
def test_other_return_values_are_run_errors_naming_the_type(name, message):
    with pytest.raises(RunError, match=message):
        run(name)


def test_call_dict_passes_the_params_as_one_argument():
    assert run("takes_the_dict", {"a": 1, "b": 2}, call="dict") == {"output": 3, "success": True}


def test_call_kwargs_with_a_param_the_function_lacks_raises():
    with pytest.raises(TypeError, match="unexpected keyword argument 'z'"):
        run("energy", {"x": 1.0, "y": 1.0, "z": 0.0})


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"function": "no_such_module_xyz:f"}, "cannot import 'no_such_module_xyz'"),
        ({"function": f"{__name__}:missing"}, "has no 'missing'"),
        ({"function": f"{__name__}:NOT_A_FUNCTION"}, r"is not callable \(its type is int\)"),
        ({"function": "nocolon"}, "not of the form"),
        ({"function": f"{__name__}:energy", "call": "args"}, "'kwargs' or 'dict'"),
        ({"function": f"{__name__}:energy", "extra": 1}, "Extra inputs are not permitted"),
    ],
)
def test_bad_keys_are_clear_value_errors(options, message):
    with pytest.raises(ValueError, match=message) as caught:
        FunctionRunner(**options)
    assert isinstance(caught.value, ValidationError)


def writes_and_prints(x: float, run_dir: str) -> dict:
    with open("result.txt", "w") as handle:  # relative: lands in the run directory
        handle.write(str(x))
    print("solving for", x)
    print("a warning", file=sys.stderr)
    return {"here": os.getcwd() == run_dir}


def test_the_function_runs_in_its_run_dir_with_captured_streams(tmp_path, capsys):
    runner = FunctionRunner(function=f"{__name__}:writes_and_prints")
    before = os.getcwd()
    results = [
        runner.single_code_run(str(tmp_path / name), {"x": x}) for name, x in [("a", 1), ("b", 2)]
    ]
    assert results == [{"success": True, "here": True}] * 2
    assert os.getcwd() == before
    assert (tmp_path / "a" / "result.txt").read_text() == "1"
    assert (tmp_path / "b" / "result.txt").read_text() == "2"
    assert (tmp_path / "b" / "stdout.txt").read_text() == "solving for 2\n"
    assert (tmp_path / "b" / "stderr.txt").read_text() == "a warning\n"
    assert capsys.readouterr().out == ""
