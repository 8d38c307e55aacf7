"""The `error` cell carries the program's own message: declared readers, then stderr, stdout."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest
from pydantic import ValidationError

from enchanted_surrogates.runners.command_runner import CommandRunner
from enchanted_surrogates.runs.errors import RunError

PY = sys.executable


def _fails(tmp_path: Path, body: str, **keys) -> str:
    script = tmp_path / "code.py"
    script.write_text(textwrap.dedent(body))
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    runner = CommandRunner(command=[PY, str(script)], **keys)
    with pytest.raises(RunError) as caught:
        runner.single_code_run(str(run_dir), {})
    return str(caught.value)


MPI_LIKE = """
import sys
print("step 1 ok")
print(" ERROR: celldm(1) must be positive")
print("------------------------------------")
print("-" * 40, file=sys.stderr)
print("*" * 40, file=sys.stderr)
sys.exit(1)
"""


def test_a_declared_reader_picks_the_message_from_stdout(tmp_path):
    message = _fails(tmp_path, MPI_LIKE, errors=[{"pattern": r"^\s*ERROR:.*"}])
    assert message == "exit code 1: ERROR: celldm(1) must be positive"


def test_a_reader_reads_a_named_file_and_its_first_group(tmp_path):
    body = """
    import sys
    open("CRASH", "w").write("task #  0\\n  from cell_base : error #  1\\n  bad lattice\\n")
    sys.exit(2)
    """
    readers = [{"source": "file", "file": "CRASH", "pattern": r"from (.*)"}]
    assert _fails(tmp_path, body, errors=readers) == "exit code 2: cell_base : error #  1"


def test_without_a_message_on_stderr_the_end_of_stdout_is_used(tmp_path):
    message = _fails(tmp_path, MPI_LIKE)
    assert message == "exit code 1: (stdout) step 1 ok\n ERROR: celldm(1) must be positive"


def test_a_match_fails_a_run_that_exited_with_zero(tmp_path):
    body = 'print("ERROR: not converged after 100 iterations")'
    message = _fails(tmp_path, body, errors=[{"pattern": "^ERROR: (.*)"}])
    assert message == "not converged after 100 iterations"


def test_without_a_match_the_run_succeeds(tmp_path):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    runner = CommandRunner(command=[PY, "-c", "print('fine')"], errors=[{"pattern": "ERROR"}])
    assert runner.single_code_run(str(run_dir), {}) == {"success": True}


def test_a_bad_pattern_is_a_config_error():
    with pytest.raises(ValidationError, match=r"errors\.0\.pattern"):
        CommandRunner(command=["true"], errors=[{"pattern": "("}])
