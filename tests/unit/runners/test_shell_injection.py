"""`shell: true` never runs a parameter value as shell code."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from enchanted_surrogates.runners.command_runner import CommandRunner
from enchanted_surrogates.runners.shell_placeholders import quoted_placeholders

# Each payload tries to create the file PWNED in the run directory.
PAYLOADS = [
    "; touch PWNED",
    "x; touch PWNED #",
    "$(touch PWNED)",
    "`touch PWNED`",
    "' ; touch PWNED ; '",
    '" ; touch PWNED ; "',
    "| touch PWNED",
    "&& touch PWNED",
    "\n touch PWNED",
    "a' 'b; touch PWNED",
    "${IFS}; touch PWNED",
    "\\'; touch PWNED; #",
    "> PWNED",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_payload_runs_through_the_shell(tmp_path, payload):
    runner = CommandRunner(command="printf %s {s} > out.txt", shell=True)
    result = runner.single_code_run(str(tmp_path), {"s": payload})
    assert result["success"] is True
    assert not (tmp_path / "PWNED").exists()
    assert (tmp_path / "out.txt").read_text() == payload


@pytest.mark.parametrize(
    "command",
    ["echo '{s}'", 'echo "{s}"', 'echo "a {s} b" | cat', "echo \\{s}", "echo 'x'\"{s}\""],
)
def test_a_placeholder_inside_quotes_is_refused(command):
    with pytest.raises(ValidationError, match=r"command: placeholder \{s\} is inside quotes"):
        CommandRunner(command=command, shell=True)


@pytest.mark.parametrize(
    "command", ["echo {s}", "echo 'lit' {s} \"lit\"", "echo \\' {s}", "echo 'it''s' {s}"]
)
def test_a_placeholder_outside_quotes_is_accepted(command):
    assert quoted_placeholders(command) == []
    CommandRunner(command=command, shell=True)


def test_quotes_around_a_placeholder_without_a_shell_are_plain_text(tmp_path):
    runner = CommandRunner(command=["printf", "'%s'", "'{s}'"])
    runner.single_code_run(str(tmp_path), {"s": "; touch PWNED"})
    assert not (tmp_path / "PWNED").exists()
