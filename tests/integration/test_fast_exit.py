"""The `enchanted` command ends without the interpreter's teardown (~0.1 s a command),
yet with everything an exit must do: atexit handlers, flushed streams, its exit code, and
the normal wait for a non-daemon thread."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

SCRIPT = """
import atexit, sys, threading, time
from enchanted_surrogates.cli.fast_exit import exit_now

class Teardown:
    def __del__(self):
        print("torn down", flush=True)

kept = Teardown()  # freed only by the interpreter's teardown
atexit.register(lambda: print("atexit ran"))
if sys.argv[1] == "thread":
    threading.Thread(target=lambda: (time.sleep(0.5), print("thread done"))).start()
print("buffered", end="")  # still in the buffer of a pipe
exit_now(3)
"""


def _exit(tmp_path: Path, mode: str) -> subprocess.CompletedProcess:
    script = tmp_path / "probe.py"
    script.write_text(SCRIPT)
    return subprocess.run(
        [sys.executable, str(script), mode], capture_output=True, text=True, timeout=60
    )


def test_exit_runs_atexit_and_flushes_but_skips_the_teardown(tmp_path):
    done = _exit(tmp_path, "plain")
    assert done.returncode == 3, done.stderr
    assert done.stdout == "bufferedatexit ran\n"


def test_a_running_non_daemon_thread_keeps_the_normal_exit(tmp_path):
    done = _exit(tmp_path, "thread")
    assert done.returncode == 3, done.stderr
    assert "thread done" in done.stdout and "torn down" in done.stdout


def test_the_command_exits_with_its_code_and_whole_output(tmp_path):
    cli = [sys.executable, "-m", "enchanted_surrogates"]
    done = subprocess.run([*cli, "validate", str(tmp_path / "none.yaml")], capture_output=True)
    assert done.returncode == 2 and b"cannot read the file" in done.stderr
    schema = subprocess.run([*cli, "schema"], capture_output=True, text=True, check=True)
    assert schema.stdout.rstrip().endswith("}") and len(schema.stdout) > 1000
