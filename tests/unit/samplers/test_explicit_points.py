"""ExplicitPointsSampler: a file's rows, in order, mapped, subset, chunk- and resume-proof."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from enchanted_surrogates.config.registry import resolve
from enchanted_surrogates.samplers.explicit_points import ExplicitPointsSampler
from enchanted_surrogates.samplers.points_file import from_frame, read_points

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


NUMERIC_FILES = {
    "ints": "a,b\n1,-2\n007,+3\n",
    "floats in every spelling": "a,b\n0.1,1e5\n-.5,2.\n1.7976931348623157e308,-0.0\n3,4E-3\n",
    "crlf and quotes, an unused text column": 'a,b,name\r\n"1.5",2,x y\r\n2.5,3,"z"\r\n',
    "header only": "a,b\n",
}
PANDAS_FILES = {
    "blank cell": "a,b\n1,2\n3,\n",
    "NA marker": "a,b\n1,NA\n2,3\n",
    "text": "a,b\nx,1\ny,2\n",
    "booleans": "a,b\nTrue,1\nFalse,2\n",
    "duplicate columns": "a,b,a\n1,2,3\n",
    "spaces": "a,b\n 1,2\n",
    "ragged rows": "a,b\n1,2\n3\n",
    "big integers": "a,b\n12345678901234567890,1\n",
    "infinity": "a,b\ninf,1\n",
    "non-ASCII digits": "a,b\n\u0663,1\n",
}


@pytest.mark.parametrize("text", [*NUMERIC_FILES.values(), *PANDAS_FILES.values()])
def test_read_points_gives_what_pandas_gives(tmp_path, text):
    """Values and their Python types match pandas.read_csv, whichever path reads the file."""
    path = tmp_path / "p.csv"
    path.write_bytes(text.encode())
    fast = read_points(path, ["a", "b"])
    expected = from_frame(pd.read_csv(path), ["a", "b"])
    assert fast.columns == expected.columns and fast.rows == expected.rows
    assert {k: [(type(v), v) for v in vs] for k, vs in fast.values.items()} == {
        k: [(type(v), v) for v in vs] for k, vs in expected.values.items()
    }


def test_many_random_floats_parse_to_the_same_doubles_as_pandas(tmp_path):
    values = np.random.default_rng(0).lognormal(0, 30, 20_000)
    path = tmp_path / "p.csv"
    path.write_text("a,b\n" + "".join(f"{v!r},{v:.12e}\n" for v in values))
    fast = read_points(path, ["a", "b"]).values
    frame = pd.read_csv(path)
    assert fast["a"] == frame["a"].tolist() and fast["b"] == frame["b"].tolist()


def test_a_numeric_points_file_is_read_without_pandas(tmp_path):
    """pandas costs ~0.3 s to import, before the first run of the campaign."""
    path = tmp_path / "p.csv"
    path.write_text("a,b\n0.5,1\n0.25,2\n")
    probe = (
        "import sys\n"
        "from enchanted_surrogates.samplers.explicit_points import ExplicitPointsSampler\n"
        f"s = ExplicitPointsSampler(file={str(path)!r}, parameters=['a', 'b'])\n"
        "print(s.ask(5), 'pandas' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[{'a': 0.5, 'b': 1}, {'a': 0.25, 'b': 2}] False"
