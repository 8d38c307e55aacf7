"""SyntheticDoubleGaussianRunner: the analytic function, its defaults and its argument checks."""

from __future__ import annotations

import math

import pytest

from enchanted_surrogates.runners.synthetic_double_gaussian_runner import (
    SyntheticDoubleGaussianRunner,
)


def hill_1d(height, width, centre, x):
    return height * math.exp(-((x - centre) ** 2) / width)


def hill_2d(height, width, cx, cy, x, y):
    return height * math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / width)


def test_default_1d_at_first_hill_centre(tmp_path):
    result = SyntheticDoubleGaussianRunner().single_code_run(str(tmp_path), {"x": 0.2})
    expected = 0.2 * 0.2 + 1.0 + hill_1d(0.6, 0.01, 0.7, 0.2)
    assert result["output"] == pytest.approx(expected, rel=1e-12)
    assert result["success"] is True


def test_default_1d_at_second_hill_centre(tmp_path):
    result = SyntheticDoubleGaussianRunner(dimensions=1).single_code_run(str(tmp_path), {"x": 0.7})
    expected = 0.2 * 0.7 + hill_1d(1.0, 0.001, 0.2, 0.7) + 0.6
    assert result["output"] == pytest.approx(expected, rel=1e-12)


def test_custom_1d_parameters(tmp_path):
    runner = SyntheticDoubleGaussianRunner(model_parameters=[1, 2, 1, 0, 3, 1, 1])
    result = runner.single_code_run(str(tmp_path), {"x": 0.0})
    assert result["output"] == pytest.approx(2.0 + 3.0 * math.exp(-1.0), rel=1e-12)


def test_default_2d_at_hill_centres(tmp_path):
    runner = SyntheticDoubleGaussianRunner(dimensions=2)
    first = runner.single_code_run(str(tmp_path / "1"), {"x": 0.3, "y": 0.3})
    second = runner.single_code_run(str(tmp_path / "2"), {"x": 0.75, "y": 0.6})
    assert first["output"] == pytest.approx(
        0.2 * 0.3 + 0.1 * 0.3 + 1.0 + hill_2d(0.8, 0.04, 0.75, 0.6, 0.3, 0.3), rel=1e-12
    )
    assert second["output"] == pytest.approx(
        0.2 * 0.75 + 0.1 * 0.6 + hill_2d(1.0, 0.02, 0.3, 0.3, 0.75, 0.6) + 0.8, rel=1e-12
    )


def test_result_types_are_plain_python(tmp_path):
    result = SyntheticDoubleGaussianRunner(dimensions=2).single_code_run(
        str(tmp_path), {"x": 0.1, "y": 0.9}
    )
    assert set(result) == {"output", "success"}
    assert type(result["output"]) is float
    assert type(result["success"]) is bool


def test_appends_output_file(tmp_path):
    runner = SyntheticDoubleGaussianRunner()
    run_dir = tmp_path / "run"
    first = runner.single_code_run(str(run_dir), {"x": 0.2})["output"]
    second = runner.single_code_run(str(run_dir), {"x": 0.7})["output"]
    lines = (run_dir / "output.txt").read_text().splitlines()
    assert [float(line) for line in lines] == [first, second]


@pytest.mark.parametrize("dimensions", [0, 3, -1])
def test_bad_dimensions_rejected_at_construction(dimensions):
    with pytest.raises(ValueError, match="dimensions must be 1 or 2"):
        SyntheticDoubleGaussianRunner(dimensions=dimensions)


@pytest.mark.parametrize(("dimensions", "length", "expected"), [(1, 6, 7), (1, 10, 7), (2, 7, 10)])
def test_wrong_model_parameters_length_names_expected_length(dimensions, length, expected):
    with pytest.raises(ValueError, match=f"needs {expected} values, got {length}"):
        SyntheticDoubleGaussianRunner(dimensions=dimensions, model_parameters=[1.0] * length)


def test_missing_x_is_a_key_error_naming_it(tmp_path):
    with pytest.raises(KeyError, match="'x'"):
        SyntheticDoubleGaussianRunner().single_code_run(str(tmp_path), {"y": 0.1})


def test_missing_y_in_2d_is_a_key_error_naming_it(tmp_path):
    with pytest.raises(KeyError, match="'y'"):
        SyntheticDoubleGaussianRunner(dimensions=2).single_code_run(str(tmp_path), {"x": 0.1})
