"""Tables in a code's output, and outputs a good run may lack."""

from __future__ import annotations

import sys

import pytest
from pydantic import ValidationError

from enchanted_surrogates.parsers.table import TableParser
from enchanted_surrogates.runners.command_runner import CommandRunner
from enchanted_surrogates.runs.errors import RunError

THERMO_LOG = """\
LAMMPS (2 Aug 2023)
Step Temp E_pair TotEng Press
       0   1.5  -6.7733681  -4.5258681  -5.0196707
Loop time of 0.1 on 1 procs
Step Temp E_pair TotEng Press
       0   1.5  -6.7733681  -4.5258681  -5.0196707
      50   0.9  -5.8       -4.4        1.0d0
     100   0.7  -5.6       -4.5        3.0
     150   0.8  -5.7       -4.5        5.0
Loop time of 0.2 on 1 procs for 150 steps
"""


@pytest.fixture
def log(tmp_path):
    (tmp_path / "log.lammps").write_text(THERMO_LOG)
    return str(tmp_path)


def _read(run_dir: str, **keys) -> dict:
    return TableParser(source="file", file="log.lammps", start=r"^Step\s", **keys).read_output(
        run_dir
    )


def test_the_last_row_of_the_last_table(log):
    assert _read(log) == {"Step": 150, "Temp": 0.8, "E_pair": -5.7, "TotEng": -4.5, "Press": 5.0}


def test_a_statistic_over_the_last_rows_of_named_columns(log):
    result = _read(log, columns=["Press", "Temp"], statistic="mean", rows=3, prefix="avg_")
    assert result == {"avg_Press": pytest.approx(3.0), "avg_Temp": pytest.approx(0.8)}


def test_a_csv_table_file_from_its_first_line(tmp_path):
    (tmp_path / "history.csv").write_text("t, energy\n0, 1.0\n1, 0.5\n2, 0.25\n")
    parser = TableParser(source="file", file="history.csv", delimiter="comma", statistic="min")
    assert parser.read_output(str(tmp_path)) == {"t": 0, "energy": 0.25}


def test_a_missing_column_or_header_fails_the_run(log):
    with pytest.raises(RunError, match="no column Volume"):
        _read(log, columns=["Volume"])
    with pytest.raises(RunError, match="no table header"):
        TableParser(source="file", file="log.lammps", start="^Time").read_output(log)


def test_rows_without_a_statistic_is_a_config_error():
    with pytest.raises(ValidationError, match="rows: only used with a statistic"):
        TableParser(rows=3)


def _runner(**optional) -> CommandRunner:
    code = "print('energy=1.5')"
    return CommandRunner(
        command=[sys.executable, "-c", code],
        outputs=[
            {"type": "regex", "pattern": r"energy=(?P<energy>\S+)"},
            {"type": "regex", "pattern": r"growth=(?P<growth>\S+)", **optional},
        ],
    )


def test_an_optional_output_that_is_absent_gives_its_default(tmp_path):
    runner = _runner(optional=True, default={"growth": 0.0})
    assert runner.single_code_run(str(tmp_path), {}) == {
        "success": True,
        "energy": 1.5,
        "growth": 0.0,
    }
    no_default = _runner(optional=True)
    assert no_default.single_code_run(str(tmp_path), {}) == {"success": True, "energy": 1.5}


def test_a_mandatory_output_that_is_absent_fails_the_run(tmp_path):
    with pytest.raises(RunError, match="no match for /growth"):
        _runner().single_code_run(str(tmp_path), {})


def test_a_default_without_optional_is_a_config_error():
    with pytest.raises(ValidationError, match="default: only used with optional: true"):
        _runner(default={"growth": 0.0})


def test_a_table_output_through_the_runner(tmp_path):
    code = f"print({THERMO_LOG!r})"
    runner = CommandRunner(
        command=[sys.executable, "-c", code],
        outputs=[{"type": "table", "start": r"^Step\s", "columns": ["TotEng"]}],
    )
    assert runner.single_code_run(str(tmp_path), {}) == {"success": True, "TotEng": -4.5}
