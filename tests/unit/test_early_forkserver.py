"""`enchanted run` starts the local executor's fork server before the config check, and
the campaign's workers fork from that same server; nothing else starts one early."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import psutil
import pytest
import yaml

from enchanted_surrogates.executors.early_forkserver import WORKER_MODULE, wants_forkserver
from enchanted_surrogates.executors.pool_slots import run_chunk


def test_the_preloaded_module_is_where_workers_run_their_tasks() -> None:
    assert run_chunk.__module__ == WORKER_MODULE


@pytest.mark.parametrize(
    ("executors", "expected"),
    [
        ({"local": {"type": "LocalExecutor"}}, True),
        ({"local": {"type": "local_executor", "max_workers": 2}}, True),
        ({"local": {"type": "JoblibExecutor", "start_method": "forkserver"}}, True),
        ({"local": {"type": "LocalExecutor", "start_method": "spawn"}}, False),
        ({"dask": {"type": "DaskExecutor"}}, False),
        ({"mine": {"type": "my_module:LocalExecutor"}}, False),
        ({"broken": "LocalExecutor"}, False),
        ("not a mapping", False),
    ],
)
def test_only_a_local_executor_on_the_fork_server_wants_it(executors, expected) -> None:
    assert wants_forkserver({"executors": executors}) is expected


def test_a_config_without_executors_wants_nothing() -> None:
    assert wants_forkserver(["a", "list"]) is False and wants_forkserver({}) is False


PROBE = """
import multiprocessing.forkserver as forkserver
import sys

import enchanted_surrogates
from enchanted_surrogates.executors.early_forkserver import WORKER_MODULE, start_early

assert start_early(sys.argv[1])
server = forkserver._forkserver._forkserver_pid
with open(f"/proc/{server}/cmdline", "rb") as handle:
    assert WORKER_MODULE.encode() in handle.read()
rows = enchanted_surrogates.run(sys.argv[1], force=True)
print(server, sorted(set(rows["ppid"])))
"""


def _config(tmp_path, executor: dict) -> str:
    (tmp_path / "probe.py").write_text(
        "import os\n\ndef ppid(x):\n    return {'ppid': os.getppid()}\n"
    )
    config = {
        "executors": {"local": executor},
        "samplers": {
            "s": {"type": "RandomSampler", "parameters": ["x"], "bounds": [[0, 1]], "budget": 6}
        },
        "runners": {"r": {"type": "FunctionRunner", "function": "probe:ppid"}},
        "supervisor": {
            "base_run_dir": str(tmp_path / "runs"),
            "run_order": [{"sampler": "s", "executor": "local", "runner": "r"}],
        },
        "logging": "WARNING",
    }
    path = tmp_path / "campaign.yaml"
    path.write_text(yaml.safe_dump(config))
    return str(path)


def test_the_campaign_forks_its_workers_from_the_early_server(tmp_path) -> None:
    config = _config(tmp_path, {"type": "LocalExecutor", "max_workers": 2})
    done = subprocess.run(
        [sys.executable, "-c", PROBE, config],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    server, parents = done.stdout.split(maxsplit=1)
    assert parents.strip() == f"[{server}]"


def _servers_started_since(start: float) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["cmdline", "create_time"]):
        cmdline = " ".join(process.info["cmdline"] or [])
        if process.info["create_time"] >= start and "multiprocessing.forkserver" in cmdline:
            found.append(process)
    return found


def test_an_invalid_config_leaves_no_server_behind(tmp_path) -> None:
    config = _config(tmp_path, {"type": "LocalExecutor", "max_workers": "many"})
    start = time.time() - 0.01
    done = subprocess.run(
        [sys.executable, "-m", "enchanted_surrogates", "run", config],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "max_workers" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "runs").exists()
    deadline = time.monotonic() + 10
    while _servers_started_since(start) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _servers_started_since(start) == []


def test_the_early_start_happens_in_enchanted_run(tmp_path) -> None:
    """The CLI calls it for `run` only (validate must stay cheap): seen through a stand-in."""
    probe = textwrap.dedent(
        """
        import sys
        from enchanted_surrogates.cli.main import main
        from enchanted_surrogates.executors import early_forkserver
        calls = []
        early_forkserver.start_early = lambda path: calls.append(path) or False
        code = main(["validate", sys.argv[1]])
        assert code == 0 and calls == [], (code, calls)
        main(["run", sys.argv[1], "-q", "--force"])
        print("calls", len(calls))
        """
    )
    config = _config(tmp_path, {"type": "LocalExecutor", "max_workers": 2})
    done = subprocess.run(
        [sys.executable, "-c", probe, config], capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "calls 1"
