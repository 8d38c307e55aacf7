"""The output readers: JSON, YAML, CSV, regex, key=value and function, on real files."""

from __future__ import annotations

import os

import pytest
from pydantic import ValidationError

from enchanted_surrogates.parsers.csv_row import CsvRowParser
from enchanted_surrogates.parsers.function import FunctionParser
from enchanted_surrogates.parsers.key_value import KeyValueParser
from enchanted_surrogates.parsers.mapping_file import JsonParser, YamlParser
from enchanted_surrogates.parsers.regex import RegexParser
from enchanted_surrogates.parsers.values import to_number
from enchanted_surrogates.runs.errors import RunCrashed, RunError


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3", 3),
        (" -12 ", -12),
        ("1.5", 1.5),
        ("2.", 2.0),
        (".5e-3", 5e-4),
        ("1.5d+02", 150.0),
        ("1_000", "1_000"),
        ("SUCCESS", "SUCCESS"),
        ("", None),
        (None, None),
    ],
)
def test_to_number_converts_what_a_code_prints(text, value):
    assert to_number(text) == value
    assert type(to_number(text)) is type(value)


def test_to_number_reads_nan_and_inf():
    assert to_number("inf") == float("inf")
    assert to_number("NaN") != to_number("NaN")


def test_json_keeps_top_level_scalars_or_the_chosen_keys(tmp_path):
    (tmp_path / "out.json").write_text('{"a": 1, "b": "x", "c": [1], "d": {"e": 2}, "f": null}')
    assert JsonParser(file="out.json").read_output(str(tmp_path)) == {"a": 1, "b": "x", "f": None}
    assert JsonParser(file="out.json", keys=["b"]).read_output(str(tmp_path)) == {"b": "x"}
    with pytest.raises(RunError, match="has no 'z'"):
        JsonParser(file="out.json", keys=["a", "z"]).read_output(str(tmp_path))
    with pytest.raises(RunError, match="'c' is a list, not a scalar"):
        JsonParser(file="out.json", keys=["c"]).read_output(str(tmp_path))


@pytest.mark.parametrize(
    ("text", "message"), [("[1, 2]", "holds a list, not a mapping"), ("{oops", "cannot be parsed")]
)
def test_json_that_is_not_a_mapping_is_a_run_error(tmp_path, text, message):
    (tmp_path / "out.json").write_text(text)
    with pytest.raises(RunError, match=message):
        JsonParser(file="out.json").read_output(str(tmp_path))


def test_yaml_reads_a_mapping(tmp_path):
    (tmp_path / "out.yaml").write_text("energy: 1.5\nconverged: true\nhistory: [1, 2]\n")
    assert YamlParser(file="out.yaml").read_output(str(tmp_path)) == {
        "energy": 1.5,
        "converged": True,
    }
    (tmp_path / "bad.yaml").write_text("a: [1\n")
    with pytest.raises(RunError, match=r"'bad\.yaml' cannot be parsed"):
        YamlParser(file="bad.yaml").read_output(str(tmp_path))


def test_csv_reads_one_row_with_numbers_converted(tmp_path):
    (tmp_path / "log.csv").write_text("step,loss,note\n1,0.5,start\n2,0.25,\n")
    assert CsvRowParser(file="log.csv").read_output(str(tmp_path)) == {
        "step": 2,
        "loss": 0.25,
        "note": None,
    }
    first = CsvRowParser(file="log.csv", row=0).read_output(str(tmp_path))
    assert first == {"step": 1, "loss": 0.5, "note": "start"}
    with pytest.raises(RunError, match="has 2 data rows, no row 2"):
        CsvRowParser(file="log.csv", row=2).read_output(str(tmp_path))


def test_regex_named_groups_become_columns_from_the_last_match(tmp_path):
    (tmp_path / "stdout.txt").write_text("it 1 E=3.0 dE=1\nit 2 E=2.5 dE=-0.5\ndone\n")
    parser = RegexParser(pattern=r"E=(?P<energy>\S+) dE=(?P<change>\S+)")
    assert parser.read_output(str(tmp_path)) == {"energy": 2.5, "change": -0.5}


def test_regex_first_group_or_whole_match_goes_to_name(tmp_path):
    (tmp_path / "stderr.txt").write_text("warning: 3 cells\n")
    (tmp_path / "log").write_text("status ok\n")
    assert RegexParser(pattern=r"(\d+) cells", name="n", source="stderr").read_output(
        str(tmp_path)
    ) == {"n": 3}
    assert RegexParser(pattern=r"^status \w+$", name="line", source="file", file="log").read_output(
        str(tmp_path)
    ) == {"line": "status ok"}


def test_regex_without_a_match_is_a_run_error(tmp_path):
    (tmp_path / "stdout.txt").write_text("nothing here\n")
    with pytest.raises(RunError, match=r"no match for /E=\(\\S\+\)/ in stdout\.txt"):
        RegexParser(pattern=r"E=(\S+)", name="e").read_output(str(tmp_path))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"pattern": "("}, "not a valid regular expression"),
        ({"pattern": r"(\d+)"}, "name: required"),
        ({"pattern": r"(?P<a>\d+)", "name": "b"}, "name: not used"),
        ({"pattern": "x", "name": "x", "source": "file"}, "file: required when source is file"),
        ({"pattern": "x", "name": "x", "file": "f"}, "file: only used with source: file"),
    ],
)
def test_regex_config_mistakes(options, message):
    with pytest.raises(ValidationError, match=message):
        RegexParser(**options)


def test_key_value_pairs_on_one_line_or_many(tmp_path):
    (tmp_path / "stdout.txt").write_text(
        "starting run x=1 (not a pair)\nresult=1.5; status=SUCCESS; runtime=3\nlabel = best fit\n"
    )
    assert KeyValueParser().read_output(str(tmp_path)) == {
        "result": 1.5,
        "runtime": 3,
        "label": "best fit",
    }


@pytest.mark.parametrize("status", ["SAT", "unsat", "Success"])
def test_key_value_success_statuses(tmp_path, status):
    (tmp_path / "stdout.txt").write_text(f"cost=2\nstatus={status}\n")
    assert KeyValueParser().read_output(str(tmp_path)) == {"cost": 2}


def test_key_value_crashed_status_raises(tmp_path):
    (tmp_path / "out.txt").write_text("status=CRASHED; cost=2\n")
    with pytest.raises(RunCrashed, match="status=CRASHED"):
        KeyValueParser(source="file", file="out.txt").read_output(str(tmp_path))


def row_count(run_dir: str) -> dict:
    return {"files": len(os.listdir(run_dir))}


def not_a_dict(run_dir: str) -> list:
    return [run_dir]


def test_function_reader_is_called_with_the_run_dir(tmp_path):
    (tmp_path / "a").write_text("")
    assert FunctionParser(function=f"{__name__}:row_count").read_output(str(tmp_path)) == {
        "files": 1
    }
    with pytest.raises(RunError, match="returned a list, not a dict"):
        FunctionParser(function=f"{__name__}:not_a_dict").read_output(str(tmp_path))
    with pytest.raises(ValidationError, match="cannot import 'nowhere_xyz'"):
        FunctionParser(function="nowhere_xyz:f")


@pytest.mark.parametrize(
    "parser",
    [JsonParser(file="o.json"), CsvRowParser(file="o.csv"), RegexParser(pattern="(?P<a>x)")],
)
def test_a_missing_output_file_is_a_run_error_naming_it(tmp_path, parser):
    with pytest.raises(RunError, match="is missing in the run directory"):
        parser.read_output(str(tmp_path))
