"""A program that prints a secret leaves only *** in the captured streams, however it ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from campaign_configs import basic_config, write_config

pytestmark = pytest.mark.integration

SECRET = "s3cr3t-T0KEN-7777"


def _leaks(root) -> list[str]:
    found = []
    for folder, _, files in os.walk(root):
        for name in files:
            with open(os.path.join(folder, name), "rb") as handle:
                if SECRET.encode() in handle.read():
                    found.append(os.path.join(folder, name))
    return found


def test_a_timed_out_program_leaves_no_secret_in_its_streams(tmp_path, enchanted):
    secrets_file = tmp_path / "secrets.ini"
    secrets_file.write_text(f"[licence]\ntoken = {SECRET}\n")
    runner = {
        "type": "CommandRunner",
        "command": ["sh", "-c", 'echo "out $TOKEN"; echo "err $TOKEN" >&2; sleep 30'],
        "env": {"TOKEN": "{secrets.licence.token}"},
        "timeout": 1,
    }
    config = basic_config(tmp_path / "camp", runner, save_files="all")
    config["samplers"]["s1"]["budget"] = 2
    path = write_config(tmp_path / "c.yaml", config)
    done = enchanted("run", path, "--secrets", secrets_file, cwd=tmp_path)
    assert "TIMEOUT" in (tmp_path / "camp" / "enchanted_dataset.csv").read_text(), done.stderr
    streams = list((tmp_path / "camp").rglob("stdout.txt"))
    assert streams and all("out ***" in p.read_text() for p in streams)
    assert _leaks(tmp_path / "camp") == []


# Prints the token in two writes with a pause between (so it arrives in two reads), then
# stays in flight until the supervisor is killed.
IN_FLIGHT = (
    'printf "out %s" "${{TOKEN%-7777}}"; sleep 0.3; echo "-7777"; '
    'echo "err $TOKEN" >&2; echo up > up.txt; sleep 300'
)


def _wait_for(predicate, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _text(paths) -> str:
    return "".join(path.read_text() for path in paths)


def test_runs_in_flight_at_kill_9_leave_no_secret_in_their_streams(tmp_path, cli_env):
    secrets_file = tmp_path / "secrets.ini"
    secrets_file.write_text(f"[licence]\ntoken = {SECRET}\n")
    runner = {
        "type": "CommandRunner",
        "command": ["sh", "-c", IN_FLIGHT],
        "env": {"TOKEN": "{secrets.licence.token}"},
    }
    base = tmp_path / "camp"
    config = basic_config(base, runner, save_files="all")
    config["samplers"]["s1"]["budget"] = 2
    path = write_config(tmp_path / "c.yaml", config)
    command = [sys.executable, "-m", "enchanted_surrogates", "run", str(path)]
    supervisor = subprocess.Popen(
        [*command, "--secrets", str(secrets_file)],
        cwd=tmp_path,
        env=cli_env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_for(lambda: len(list(base.rglob("up.txt"))) == 2)
        # while the programs run, their streams already hold the output, redacted
        _wait_for(lambda: _text(base.rglob("stdout.txt")).count("\n") == 2)
        _wait_for(lambda: _text(base.rglob("stderr.txt")).count("\n") == 2)
        assert _text(base.rglob("stdout.txt")) == "out ***\n" * 2
        assert _text(base.rglob("stderr.txt")) == "err ***\n" * 2
    finally:
        os.kill(supervisor.pid, signal.SIGKILL)
        supervisor.wait(timeout=30)
    time.sleep(1)  # anything still able to write would do it now
    assert _leaks(base) == []


def test_a_file_the_program_wrote_with_the_secret_is_named_in_a_warning(tmp_path, enchanted):
    secrets_file = tmp_path / "secrets.ini"
    secrets_file.write_text(f"[licence]\ntoken = {SECRET}\n")
    program = (
        'echo "licence=$TOKEN" > notes.txt; printf "\\0$TOKEN" > blob.bin; '
        'echo "fine" > clean.txt; echo "out $TOKEN"'
    )
    runner = {
        "type": "CommandRunner",
        "command": ["sh", "-c", program],
        "env": {"TOKEN": "{secrets.licence.token}"},
    }
    config = basic_config(tmp_path / "camp", runner, save_files="all")
    config["samplers"]["s1"]["budget"] = 7
    path = write_config(tmp_path / "c.yaml", config)
    done = enchanted("run", path, "--secrets", secrets_file, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    notes = sorted((tmp_path / "camp").rglob("notes.txt"))
    logged = (tmp_path / "camp" / "logs" / "main.log").read_text().splitlines()
    for lines, count in ((logged, 7), (done.stderr.splitlines(), 5)):  # console: the first 5
        warned = [line for line in lines if "holds a secret value" in line]
        assert len(warned) == count and all(any(str(p) in w for p in notes) for w in warned)
    assert "further such warnings: logs/main.log only" in warned[-1]
    assert "blob.bin" not in done.stderr and "clean.txt" not in done.stderr
    # the framework's own files stay clean: only the program's two files hold it
    assert sorted(_leaks(tmp_path / "camp")) == sorted(
        [*map(str, notes), *map(str, (tmp_path / "camp").rglob("blob.bin"))]
    )
