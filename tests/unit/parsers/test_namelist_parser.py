"""NamelistParser: params written as a Fortran namelist come back unchanged."""

from __future__ import annotations

import numpy as np
import pytest

from enchanted_surrogates.parsers import Parser
from enchanted_surrogates.parsers.namelist import NamelistParser
from enchanted_surrogates.runs.errors import RunError


def test_round_trip_keeps_values_and_types(tmp_path):
    params = {"x": 0.1 + 0.2, "n": 3, "flag": True, "name": "it's a b", "tiny": 1e-300}
    parser = NamelistParser(file="input.nml")
    parser.write_input_file(params, str(tmp_path))
    assert (tmp_path / "input.nml").read_text().startswith("&params\n")
    back = parser.read_output(str(tmp_path))
    assert back == params
    assert {key: type(value) for key, value in back.items()} == {
        key: type(value) for key, value in params.items()
    }


def test_default_keys_are_the_scalar_params(tmp_path):
    parser = NamelistParser(file="in.nml", group="physics")
    parser.write_input_file({"a": np.int64(2), "v": [1, 2], "none": None}, str(tmp_path))
    assert parser.read_output(str(tmp_path)) == {"a": 2}


def test_keys_select_what_is_written_and_a_missing_one_is_an_error(tmp_path):
    parser = NamelistParser(file="in.nml", keys=["b"])
    parser.write_input_file({"a": 1, "b": 2}, str(tmp_path))
    assert "a =" not in (tmp_path / "in.nml").read_text()
    assert parser.read_output(str(tmp_path)) == {"b": 2}
    with pytest.raises(RunError, match="no parameter b"):
        parser.write_input_file({"a": 1}, str(tmp_path))


def test_reading_keeps_scalars_and_lower_cases_names(tmp_path):
    (tmp_path / "out.nml").write_text("&Results\n  FLUX = 1.5d0\n  arr = 1, 2, 3\n/\n")
    assert NamelistParser(file="out.nml", group="results").read_output(str(tmp_path)) == {
        "flux": 1.5
    }
    with pytest.raises(RunError, match="'arr' is a list, not a scalar"):
        NamelistParser(file="out.nml", group="results", keys=["arr"]).read_output(str(tmp_path))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (None, "output file 'out.nml' is missing"),
        ("&other x = 1 /\n", "has no group &params"),
        ("&params x = 1 /\n&params x = 2 /\n", "has 2 groups &params"),
        ("&params x = 1\n", "cannot be parsed"),
    ],
)
def test_unreadable_namelists_are_run_errors(tmp_path, text, message):
    if text is not None:
        (tmp_path / "out.nml").write_text(text)
    with pytest.raises(RunError, match=message):
        NamelistParser(file="out.nml").read_output(str(tmp_path))


def test_the_base_parser_says_what_is_not_implemented(tmp_path):
    class OnlyReads(Parser):
        def read_output(self, run_dir: str) -> dict:
            return {"ok": True}

    parser = OnlyReads()
    assert parser.read_output(str(tmp_path)) == {"ok": True}
    with pytest.raises(NotImplementedError, match="OnlyReads does not write input files"):
        parser.write_input_file({}, str(tmp_path))
    with pytest.raises(NotImplementedError, match="Parser does not read outputs"):
        Parser().read_output(str(tmp_path))
