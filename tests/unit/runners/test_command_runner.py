"""CommandRunner: real programs in real run directories, from argv to outputs and statuses."""

from __future__ import annotations

import json
import os
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from enchanted_surrogates.executors.worker import check_outputs
from enchanted_surrogates.runners.command_runner import CommandRunner
from enchanted_surrogates.runs import secrets
from enchanted_surrogates.runs.errors import (
    AbortCampaign,
    RunCrashed,
    RunError,
    RunMemout,
    RunTimeout,
)
from enchanted_surrogates.runs.secret_streams import redact_file
from enchanted_surrogates.runs.status import Status

REPO = Path(__file__).resolve().parents[3]
PY = sys.executable
ECHO_ARGV = "import json, sys; print(json.dumps(sys.argv[1:]))"


def program(tmp_path: Path, body: str, name: str = "prog.py") -> str:
    """A Python program file (outside the run directory); its path."""
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return str(path)


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    path = tmp_path / "run"
    path.mkdir()
    return path


@pytest.fixture
def secret_installed():
    secrets.install({"licence": {"token": "s3cr3t-t0ken"}})
    yield "s3cr3t-t0ken"
    secrets.install({})


def argv_of(run_dir: Path) -> list[str]:
    return json.loads((run_dir / "stdout.txt").read_text())


# --- argv, shell, env --------------------------------------------------------------------


def test_placeholders_fill_argv_and_a_value_stays_one_literal_argument(run_dir):
    (run_dir / "x").write_text("canary")
    runner = CommandRunner(command=[PY, "-c", ECHO_ARGV, "--name={name}", "{name}", "{x:.2f}"])
    result = runner.single_code_run(str(run_dir), {"name": "; rm -rf x", "x": 0.1234})
    assert result == {"success": True}
    assert argv_of(run_dir) == ["--name=; rm -rf x", "; rm -rf x", "0.12"]
    assert (run_dir / "x").read_text() == "canary"


def test_run_dir_placeholder_is_absolute_and_the_program_runs_there(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "rel").mkdir()
    code = "import json, os, sys; print(json.dumps([os.getcwd(), *sys.argv[1:]]))"
    CommandRunner(command=[PY, "-c", code, "{run_dir}"]).single_code_run("rel", {})
    cwd, arg = argv_of(tmp_path / "rel")
    assert cwd == arg == str(tmp_path / "rel")


def test_a_missing_param_is_a_run_error_naming_it(run_dir):
    runner = CommandRunner(command=[PY, "-c", ECHO_ARGV, "{x}", "{nsteps}"])
    with pytest.raises(RunError, match="command: no parameter 'nsteps'"):
        runner.single_code_run(str(run_dir), {"x": 1})


def test_numbers_in_the_command_list_become_arguments(run_dir):
    CommandRunner(command=[PY, "-c", ECHO_ARGV, 3, 0.5]).single_code_run(str(run_dir), {})
    assert argv_of(run_dir) == ["3", "0.5"]


def test_a_command_string_needs_shell_true():
    with pytest.raises(ValidationError, match="only accepted with shell: true"):
        CommandRunner(command=f"{PY} -c pass")


def test_shell_true_runs_a_pipeline_with_quoted_values(run_dir):
    runner = CommandRunner(command="echo {name} | tr a-z A-Z > out.txt", shell=True)
    runner.single_code_run(str(run_dir), {"name": "hello; touch pwned"})
    assert (run_dir / "out.txt").read_text() == "HELLO; TOUCH PWNED\n"
    assert not (run_dir / "pwned").exists()


def test_env_gets_params_run_dir_and_secrets(run_dir, secret_installed):
    # Literal braces in the command are doubled, as in str.format.
    code = (
        "import json, os;"
        " json.dump({{k: os.environ[k] for k in 'A B TOKEN N'.split()}}, open('env.json', 'w'))"
    )
    runner = CommandRunner(
        command=[PY, "-c", code],
        env={"A": "x={x}", "B": "{run_dir}/data", "TOKEN": "{secrets.licence.token}", "N": 4},
    )
    runner.single_code_run(str(run_dir), {"x": 2.5})
    env = json.loads((run_dir / "env.json").read_text())
    assert env == {"A": "x=2.5", "B": f"{run_dir}/data", "TOKEN": secret_installed, "N": "4"}


def test_a_missing_secret_aborts_the_campaign(run_dir):
    runner = CommandRunner(command=[PY, "-c", "pass"], env={"T": "{secrets.licence.token}"})
    with pytest.raises(AbortCampaign, match=r"env T: no secret 'licence\.token'"):
        runner.single_code_run(str(run_dir), {})


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"command": [PY, "{secrets.a.b}"]}, "secrets are only filled in env"),
        ({"command": [PY], "env": {"T": "{secrets.a}"}}, r"write \{secrets.SECTION.KEY\}"),
        ({"command": [PY, "{}"]}, "name the placeholder"),
        ({"command": [PY, "-c", "print({1: 2})"]}, "write {{ and }} for literal braces"),
        ({"command": [PY, "-c", "print('{')"]}, r"'print\('\{'\)': .+; write \{\{ and \}\}"),
        ({"command": []}, "empty"),
        ({"command": [PY], "timeout": 3}, "timeout"),
        ({"command": [PY], "outputs": [{"file": "a.json"}]}, "type: required"),
        ({"command": [PY], "outputs": [{"type": "json", "file": "a", "x": 1}]}, "x"),
    ],
)
def test_config_mistakes_are_validation_errors(options, message):
    with pytest.raises(ValidationError, match=message):
        CommandRunner(**options)


def test_a_program_that_cannot_start_is_a_run_error(run_dir):
    runner = CommandRunner(command=["./no-such-program", "{x}"])
    with pytest.raises(RunError, match=r"cannot start '\./no-such-program'"):
        runner.single_code_run(str(run_dir), {"x": 1})


# --- inputs, copy, link ------------------------------------------------------------------


def test_inputs_from_both_template_engines_and_a_namelist(tmp_path, run_dir):
    (tmp_path / "in.nml.j2").write_text("&p\n x = {{ x }}\n/\n")
    (tmp_path / "cfg.txt").write_text("steps={n} dir={run_dir}\n")
    runner = CommandRunner(
        command=[PY, "-c", "pass"],
        inputs=[
            {"template": str(tmp_path / "in.nml.j2")},
            {"template": str(tmp_path / "cfg.txt"), "dest": "sub/config.txt"},
            {"type": "namelist", "file": "params.nml", "keys": ["n"]},
        ],
    )
    runner.single_code_run(str(run_dir), {"x": 0.25, "n": 7})
    assert (run_dir / "in.nml").read_text() == "&p\n x = 0.25\n/\n"
    assert (run_dir / "sub" / "config.txt").read_text() == f"steps=7 dir={run_dir}\n"
    assert "n = 7" in (run_dir / "params.nml").read_text()


def test_a_param_a_template_needs_but_the_run_lacks_is_a_run_error(tmp_path, run_dir):
    (tmp_path / "in.j2").write_text("{{ x }} {{ y }}")
    runner = CommandRunner(
        command=[PY, "-c", "pass"], inputs=[{"template": str(tmp_path / "in.j2")}]
    )
    with pytest.raises(RunError, match="'y' is undefined"):
        runner.single_code_run(str(run_dir), {"x": 1})


def test_template_paths_are_relative_to_where_you_run_and_checked_at_construction(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValidationError, match=r"no file 'in\.j2'"):
        CommandRunner(command=[PY], inputs=[{"template": "in.j2"}])
    (tmp_path / "in.j2").write_text("{{ x }}")
    runner = CommandRunner(command=[PY, "-c", "pass"], inputs=[{"template": "in.j2"}])
    monkeypatch.chdir(tmp_path.parent)  # the worker may run elsewhere later
    runner.single_code_run(str(tmp_path / "run"), {"x": 5})
    assert (tmp_path / "run" / "in").read_text() == "5"


def test_copy_and_link_put_files_and_directories_in_the_run_dir(tmp_path, run_dir, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mesh").mkdir()
    (tmp_path / "mesh" / "grid.dat").write_text("grid")
    (tmp_path / "table.dat").write_text("table")
    (tmp_path / "settings.ini").write_text("settings")
    code = (
        "print(open('mesh/grid.dat').read(), open('table.dat').read(), open('settings.ini').read())"
    )
    runner = CommandRunner(
        command=[PY, "-c", code], copy=["mesh/", "settings.ini"], link=["table.dat"]
    )
    runner.single_code_run(str(run_dir), {})
    runner.single_code_run(str(run_dir), {})  # a retry in the same directory works too
    assert (run_dir / "stdout.txt").read_text() == "grid table settings\n"
    assert (run_dir / "mesh").is_dir() and not (run_dir / "mesh").is_symlink()
    assert not (run_dir / "settings.ini").is_symlink()
    assert os.readlink(run_dir / "table.dat") == str(tmp_path / "table.dat")


@pytest.mark.parametrize("key", ["copy", "link"])
def test_copy_and_link_paths_must_exist(tmp_path, key):
    with pytest.raises(ValidationError, match=rf"{key}\n.*no file or directory \['nothing'\]"):
        CommandRunner(command=[PY], **{key: ["nothing"]})


def test_copy_and_link_must_not_give_two_files_one_name(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "code").write_text("")
    (tmp_path / "code").write_text("")
    with pytest.raises(ValidationError, match="two of"):
        CommandRunner(command=[PY], copy=[str(tmp_path / "code")], link=[str(tmp_path / "a/code")])


# --- outputs -----------------------------------------------------------------------------

WRITE_EVERYTHING = """
import json
json.dump({"energy": 1.5, "vector": [1, 2], "label": "a"}, open("out.json", "w"))
open("out.yaml", "w").write("pressure: 2.0e+5\\nnested: {a: 1}\\n")
open("table.csv", "w").write("step,loss\\n1,0.5\\n2,0.25\\n")
open("out.nml", "w").write("&results\\n  flux = 3.5d0\\n  n = 4\\n  arr = 1, 2\\n/\\n")
print("iteration 1 residual=1e-2")
print("iteration 2 residual=1.5e-4")
print("result=7; runtime=0.5; status=SUCCESS")
"""


def read_files(run_dir: str) -> dict:
    return {"n_files": len(os.listdir(run_dir))}


def test_every_output_reader_contributes_columns(tmp_path, run_dir):
    runner = CommandRunner(
        command=[PY, program(tmp_path, WRITE_EVERYTHING)],
        outputs=[
            {"type": "json", "file": "out.json"},
            {"type": "yaml", "file": "out.yaml", "keys": ["pressure"]},
            {"type": "csv", "file": "table.csv"},
            {"type": "regex", "pattern": r"residual=(\S+)", "name": "residual"},
            {"type": "key_value", "source": "stdout"},
            {"type": "namelist", "file": "out.nml", "group": "results"},
            {"type": "function", "function": f"{__name__}:read_files"},
        ],
    )
    result = runner.single_code_run(str(run_dir), {})
    assert result == {
        "success": True,
        "energy": 1.5,
        "label": "a",
        "pressure": 2.0e5,
        "step": 2,
        "loss": 0.25,
        "residual": 1.5e-4,
        "result": 7,
        "runtime": 0.5,
        "flux": 3.5,
        "n": 4,
        "n_files": 6,  # the four outputs, stdout.txt, stderr.txt and nothing else
    }
    assert check_outputs(result)[1] is Status.SUCCESS


def test_a_declared_output_file_that_is_missing_is_a_run_error(run_dir):
    runner = CommandRunner(
        command=[PY, "-c", "pass"], outputs=[{"type": "json", "file": "results.json"}]
    )
    with pytest.raises(RunError, match=r"output file 'results\.json' is missing"):
        runner.single_code_run(str(run_dir), {})


def test_a_regex_without_a_match_is_a_run_error(run_dir):
    runner = CommandRunner(
        command=[PY, "-c", "print('diverged')"],
        outputs=[{"type": "regex", "pattern": r"energy=(?P<energy>\S+)"}],
    )
    with pytest.raises(RunError, match=r"no match for /energy=\(\?P<energy>\\S\+\)/ in stdout"):
        runner.single_code_run(str(run_dir), {})


@pytest.mark.parametrize(
    ("status", "error"), [("CRASHED", RunCrashed), ("TIMEOUT", RunTimeout), ("MEMOUT", RunMemout)]
)
def test_a_status_the_program_prints_sets_the_run_status(run_dir, status, error):
    runner = CommandRunner(
        command=[PY, "-c", f"print('cost=1; status={status}')"], outputs=[{"type": "key_value"}]
    )
    with pytest.raises(error, match=f"status={status}"):
        runner.single_code_run(str(run_dir), {})


def test_an_unknown_program_status_fails_the_run_but_keeps_its_values(run_dir):
    runner = CommandRunner(
        command=[PY, "-c", "print('cost=1.5'); print('status=ABORT')"],
        outputs=[{"type": "key_value"}],
    )
    result = runner.single_code_run(str(run_dir), {})
    assert result == {"success": False, "cost": 1.5, "error": "the program reported status=ABORT"}
    assert check_outputs(result)[1:] == (Status.FAILED, "the program reported status=ABORT")


# --- exits, signals, memory, redaction ---------------------------------------------------


def test_a_non_zero_exit_is_a_run_error_with_the_end_of_stderr(tmp_path, run_dir):
    body = """
    import sys
    for i in range(30):
        print(f"line {i}", file=sys.stderr)
    sys.exit(3)
    """
    runner = CommandRunner(command=[PY, program(tmp_path, body)])
    with pytest.raises(RunError) as caught:
        runner.single_code_run(str(run_dir), {})
    assert type(caught.value) is RunError
    message = str(caught.value)
    assert message.startswith("exit code 3: line 20\n")
    assert message.endswith("line 29")
    assert "line 19" not in message


def test_a_long_stderr_line_is_cut_in_the_message(run_dir):
    runner = CommandRunner(command=[PY, "-c", "import sys; sys.exit('E' * 5000)"])
    with pytest.raises(RunError) as caught:
        runner.single_code_run(str(run_dir), {})
    assert len(str(caught.value)) < 2100


def test_a_program_killed_by_a_signal_is_crashed(run_dir):
    code = "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)"
    runner = CommandRunner(command=[PY, "-c", code])
    with pytest.raises(RunCrashed, match="killed by signal SIGSEGV"):
        runner.single_code_run(str(run_dir), {})


@pytest.mark.parametrize(
    "code",
    [
        "import sys; print('Traceback ...\\nMemoryError', file=sys.stderr); sys.exit(1)",
        "import sys; print(\"terminate called after throwing an instance of 'std::bad_alloc'\","
        " file=sys.stderr); import os, signal; os.kill(os.getpid(), signal.SIGABRT)",
    ],
)
def test_an_out_of_memory_message_is_memout(run_dir, code):
    runner = CommandRunner(command=[PY, "-c", code])
    with pytest.raises(RunMemout, match="out of memory"):
        runner.single_code_run(str(run_dir), {})


def test_streams_are_captured_and_a_printed_secret_is_redacted(run_dir, secret_installed):
    code = (
        "import os, sys; t = os.environ['TOKEN']; print('out', t);"
        " print('err', t, file=sys.stderr); sys.exit(2)"
    )
    runner = CommandRunner(command=[PY, "-c", code], env={"TOKEN": "{secrets.licence.token}"})
    with pytest.raises(RunError) as caught:
        runner.single_code_run(str(run_dir), {})
    assert (run_dir / "stdout.txt").read_text() == "out ***\n"
    assert (run_dir / "stderr.txt").read_text() == "err ***\n"
    assert str(caught.value) == "exit code 2: err ***"


def reject_token(run_dir: str) -> dict:
    raise RunError(f"licence server refused {secrets.lookup('licence.token')}")


def test_a_secret_in_an_error_message_is_redacted(run_dir, secret_installed):
    runner = CommandRunner(
        command=[PY, "-c", "pass"],
        outputs=[{"type": "function", "function": f"{__name__}:reject_token"}],
    )
    with pytest.raises(RunError) as caught:
        runner.single_code_run(str(run_dir), {})
    assert str(caught.value) == "licence server refused ***"


def test_redaction_rewrites_a_stream_only_when_it_changes(tmp_path, secret_installed):
    clean, dirty = tmp_path / "clean.txt", tmp_path / "dirty.txt"
    clean.write_bytes(b"nothing secret \xff\n")
    dirty.write_bytes(b"token s3cr3t-t0ken \xff\n")
    for path in (clean, dirty):
        os.utime(path, ns=(0, 0))
        redact_file(str(path))
    assert clean.stat().st_mtime_ns == 0
    assert dirty.stat().st_mtime_ns != 0
    assert dirty.read_bytes() == b"token *** \xff\n"  # bytes that are not UTF-8 survive


# --- the example -------------------------------------------------------------------------


def test_the_example_campaign_runner_runs_simulate_py(tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)
    config = yaml.safe_load((REPO / "examples/command/campaign.yaml").read_text())
    entry = config["runners"]["simulate"]
    assert entry.pop("type") == "CommandRunner"
    for framework_key in ("timeout", "retries"):
        entry.pop(framework_key)
    runner = CommandRunner(**entry)
    result = runner.single_code_run(str(tmp_path), {"x": 0.5, "y": 0.5})
    assert result["success"] is True
    assert result["energy"] == pytest.approx((0.5 - 0.3) ** 2 + 2 * (0.5 - 0.7) ** 2)
    assert result["iterations"] > 0
    assert 0 < result["residual"] <= 1e-6
    assert "energy=0.12" in (tmp_path / "stdout.txt").read_text()
    assert (tmp_path / "input.nml").is_file()
