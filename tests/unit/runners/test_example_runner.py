"""ExampleRunner must keep the original example runner's behaviour that users' tests rely on."""

from __future__ import annotations

import numpy as np
import pytest

from enchanted_surrogates.runners.example_runner import ExampleRunner


def run(tmp_path, params=None, **kwargs):
    return ExampleRunner(sleep_sec=0, **kwargs).single_code_run(str(tmp_path / "run"), params)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (None, 0.0),
        ({}, 0.0),
        ({"a": 1.5}, 1.5),
        ({"a": 1.5, "b": 2.25}, 3.75),
        ({"b": -4, "a": 1}, -3.0),
        ({"a": 1.0, "b": 2.0, "c": 100.0}, 3.0),
        ({"a": "0.5", "b": np.float32(0.25)}, 0.75),
    ],
)
def test_sums_the_first_two_parameters(tmp_path, params, expected):
    result = run(tmp_path, params)
    assert result == {"output": expected, "success": True}
    assert type(result["output"]) is float


def test_creates_run_dir_and_writes_output_file(tmp_path):
    run_dir = tmp_path / "nested" / "run"
    ExampleRunner(sleep_sec=0).single_code_run(str(run_dir), {"a": 1.5, "b": 2.25})
    assert (run_dir / "output.txt").read_text() == "3.75\n"


def test_non_numeric_parameter_is_a_type_error_naming_the_value(tmp_path):
    with pytest.raises(TypeError, match="'abc'"):
        run(tmp_path, {"a": 1.0, "b": "abc"})
    with pytest.raises(TypeError, match="None"):
        run(tmp_path, {"a": None})


def test_second_run_in_same_dir_fails_on_two_line_output(tmp_path):
    runner = ExampleRunner(sleep_sec=0)
    run_dir = str(tmp_path / "run")
    runner.single_code_run(run_dir, {"a": 1.0})
    with pytest.raises(RuntimeError, match=r"output\.txt"):
        runner.single_code_run(run_dir, {"a": 1.0})
    assert (tmp_path / "run" / "output.txt").read_text() == "1.0\n1.0\n"


def test_child_process_failure_is_a_runtime_error(tmp_path):
    with pytest.raises(RuntimeError, match="exited with code"):
        run(tmp_path, {"a": float("nan")})


@pytest.mark.parametrize(("value", "expected"), [(0.5, 0.5), (2, 2.0), (np.float64(0.25), 0.25)])
def test_fixed_sleep_sec(value, expected):
    sleep = ExampleRunner(sleep_sec=value).get_sleep_sec()
    assert sleep == expected
    assert type(sleep) is float


def test_default_sleep_sec():
    assert ExampleRunner().get_sleep_sec() == 0.01


def test_random_sleep_sec_is_within_bounds_and_seeded():
    runner = ExampleRunner(sleep_sec=[0.1, 0.3])
    np.random.seed(1234)
    draws = [runner.get_sleep_sec() for _ in range(50)]
    assert all(0.1 <= d <= 0.3 for d in draws)
    assert len(set(draws)) > 1
    np.random.seed(1234)
    assert [runner.get_sleep_sec() for _ in range(50)] == draws


def test_equal_bounds_give_that_value():
    assert ExampleRunner(sleep_sec=(0.2, 0.2)).get_sleep_sec() == 0.2


@pytest.mark.parametrize("value", [[0.1], [0.1, 0.2, 0.3], [], "abc", "a"])
def test_sleep_sec_of_wrong_length_is_a_value_error(value):
    with pytest.raises(ValueError, match="low, high"):
        ExampleRunner(sleep_sec=value).get_sleep_sec()


def test_sleep_sec_low_above_high_is_a_value_error():
    with pytest.raises(ValueError, match="above"):
        ExampleRunner(sleep_sec=[0.3, 0.1]).get_sleep_sec()


@pytest.mark.parametrize("value", [["a", 0.2], [0.1, None], "ab"])
def test_sleep_sec_non_numeric_bounds_is_a_type_error(value):
    with pytest.raises(TypeError, match="bounds must be numbers"):
        ExampleRunner(sleep_sec=value).get_sleep_sec()


@pytest.mark.parametrize("value", [None, object()])
def test_sleep_sec_of_other_type_is_a_type_error(value):
    with pytest.raises(TypeError, match="number or \\[low, high\\]"):
        ExampleRunner(sleep_sec=value).get_sleep_sec()


def test_construction_does_not_validate():
    runner = ExampleRunner(sleep_sec=None, fail_prob=1.5)
    assert runner.sleep_sec is None
    assert runner.fail_prob == 1.5


def test_fail_prob_one_always_fails(tmp_path):
    runner = ExampleRunner(sleep_sec=0, fail_prob=1)
    for i in range(5):
        with pytest.raises(RuntimeError, match="fail_prob=1"):
            runner.single_code_run(str(tmp_path / str(i)), {"a": 1.0})


def test_fail_prob_zero_never_fails(tmp_path):
    runner = ExampleRunner(sleep_sec=0, fail_prob=0)
    for i in range(5):
        assert runner.single_code_run(str(tmp_path / str(i)), {"a": i})["success"] is True


@pytest.mark.parametrize("fail_prob", [1.5, -0.1, "0.5", None])
def test_fail_prob_outside_unit_interval_is_a_value_error_at_run_time(tmp_path, fail_prob):
    runner = ExampleRunner(sleep_sec=0, fail_prob=fail_prob)
    with pytest.raises(ValueError, match="fail_prob must be a number in"):
        runner.single_code_run(str(tmp_path / "run"), {"a": 1.0})


def test_fail_prob_half_fails_some_runs(tmp_path):
    runner = ExampleRunner(sleep_sec=0, fail_prob=0.5)
    np.random.seed(0)
    outcomes = []
    for i in range(20):
        try:
            runner.single_code_run(str(tmp_path / str(i)), {"a": 1.0})
        except RuntimeError:
            outcomes.append(False)
        else:
            outcomes.append(True)
    assert any(outcomes)
    assert not all(outcomes)
