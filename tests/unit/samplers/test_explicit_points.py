"""ExplicitPointsSampler: a file's rows, in order, mapped, subset, chunk- and resume-proof."""

import pandas as pd
import pytest
from pydantic import ValidationError

from enchanted_surrogates.config.registry import resolve
from enchanted_surrogates.samplers.explicit_points import ExplicitPointsSampler

TABLE = pd.DataFrame(
    {"A": [0.5, 0.1, 0.9, 0.3, 0.7], "b": [10, 20, 30, 40, 50], "name": list("vwxyz")}
)


@pytest.fixture
def csv(tmp_path):
    path = tmp_path / "points.csv"
    TABLE.to_csv(path, index=False)
    return path


def make(path, **overrides):
    config = {"file": str(path), "parameters": ["a", "b"], "columns": {"a": "A"}}
    config.update(overrides)
    return ExplicitPointsSampler(**config)


def test_every_row_in_file_order_with_column_mapping(csv):
    sampler = make(csv)
    assert sampler.budget == 5
    points = sampler.ask(100)
    assert points == [{"a": a, "b": b} for a, b in zip(TABLE["A"], TABLE["b"])]
    assert type(points[0]["b"]) is int and type(points[0]["a"]) is float
    assert not sampler.has_budget and sampler.ask(1) == []


def test_parquet_and_string_columns(tmp_path):
    path = tmp_path / "points.parquet"
    TABLE.to_parquet(path)
    points = ExplicitPointsSampler(file=str(path), parameters=["name", "b"]).ask(5)
    assert [p["name"] for p in points] == list("vwxyz")


def test_row_list_keeps_its_order_and_slice_selects_a_range(csv):
    assert [p["b"] for p in make(csv, rows=[3, 0, 4]).ask(10)] == [40, 10, 50]
    assert [p["b"] for p in make(csv, start=1, stop=3).ask(10)] == [20, 30]
    assert [p["b"] for p in make(csv, start=3).ask(10)] == [40, 50]
    assert [p["b"] for p in make(csv, budget=2).ask(10)] == [10, 20]


def test_chunked_asks_and_restore_continue_at_the_same_row(csv):
    whole = make(csv).ask(5)
    chunked = make(csv)
    assert chunked.ask(2) + chunked.ask(1) + chunked.ask(9) == whole
    resumed = make(csv)
    resumed.restore(whole[:3], [])
    assert resumed.ask(5) == whole[3:]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"file": "nowhere.csv"}, "no file 'nowhere.csv'"),
        ({"rows": [1], "start": 0}, "not both"),
        ({"columns": {"c": "A"}}, "not among the parameters"),
        ({"start": 3, "stop": 1}, "before start"),
    ],
)
def test_config_mistakes_are_validation_errors(csv, overrides, message):
    with pytest.raises(ValidationError, match=message):
        make(csv, **overrides)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"columns": None}, "no column 'a'"),
        ({"rows": [0, 5]}, r"rows: \[5\] beyond the file's 5 data rows"),
        ({"start": 5}, "no rows selected"),
    ],
)
def test_file_mismatches_are_reported_by_name(csv, overrides, message):
    with pytest.raises(ValueError, match=message):
        make(csv, **overrides)


def test_blank_cell_is_refused(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("a,b\n1,2\n3,\n")
    with pytest.raises(ValueError, match="row 1 has no value"):
        ExplicitPointsSampler(file=str(path), parameters=["a", "b"])


def test_registered_under_its_name():
    assert resolve("samplers", "explicit_points_sampler") is ExplicitPointsSampler
