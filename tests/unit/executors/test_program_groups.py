"""Programs get their death signal without a Python preexec_fn (which makes subprocess
fork the whole worker instead of vfork), and still die with the process that started
them, kill -9 included."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from enchanted_surrogates.executors import program_groups

needs_setpriv = pytest.mark.skipif(
    program_groups._setpriv() is None, reason="no setpriv with --pdeathsig"
)


@needs_setpriv
def test_a_program_on_path_starts_through_setpriv_without_preexec_fn(tmp_path):
    options = program_groups.spawn_options(["true", "-x"], False, str(tmp_path), dict(os.environ))
    assert "preexec_fn" not in options
    assert options["args"][:4] == [program_groups._setpriv(), "--pdeathsig", "KILL", "--"]
    assert os.path.basename(options["args"][4]) == "true" and options["args"][5:] == ["-x"]


@needs_setpriv
def test_a_shell_command_and_a_program_in_the_run_dir_are_wrapped_too(tmp_path):
    script = tmp_path / "solver"
    script.write_text("#!/bin/sh\nexit 0\n")
    script.chmod(0o755)
    env = dict(os.environ)
    local = program_groups.spawn_options(["./solver"], False, str(tmp_path), env)
    assert local["args"][4] == os.path.join(str(tmp_path), "./solver")
    shell = program_groups.spawn_options("echo hi | cat", True, str(tmp_path), env)
    assert shell["args"][4:] == ["/bin/sh", "-c", "echo hi | cat"] and not shell["shell"]


def test_a_missing_program_is_left_to_popen_so_its_error_is_unchanged(tmp_path):
    options = program_groups.spawn_options(["./nothing-here"], False, str(tmp_path), {})
    assert options["args"] == ["./nothing-here"]
    with pytest.raises(FileNotFoundError):
        subprocess.Popen(cwd=tmp_path, **options)


def test_a_program_dies_when_the_process_that_started_it_is_killed(tmp_path):
    pid_file = tmp_path / "pid"
    starter = textwrap.dedent(
        f"""
        import os, subprocess
        from enchanted_surrogates.executors import program_groups
        options = program_groups.spawn_options(
            ["sleep", "300"], False, {str(tmp_path)!r}, dict(os.environ)
        )
        process = subprocess.Popen(**options)
        open({str(pid_file)!r}, "w").write(str(process.pid))
        process.wait()
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", starter])
    for _ in range(300):
        if pid_file.exists() and pid_file.read_text():
            break
        time.sleep(0.05)
    program = int(pid_file.read_text())
    try:
        assert os.getpgid(program) == program  # it leads its own process group
        parent.kill()
        parent.wait()
        for _ in range(300):
            if not _alive(program):
                break
            time.sleep(0.05)
        assert not _alive(program)
    finally:
        if _alive(program):
            os.kill(program, signal.SIGKILL)


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting for its new parent to reap it."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
