"""Campaigns on a batch scheduler (real SLURM, fake PBS), shared by the batch and SLURM
tests: one config builder, one way to wait on a campaign, and readers of what it wrote.
Every campaign here lives in `tmp_path / "c"`."""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pandas as pd
from campaign_configs import basic_config

HELPERS = Path(__file__).resolve().parent
T = TypeVar("T")


def gate_runner(gate: Path) -> dict:
    """A runner whose runs start at once and finish only when `gate` exists."""
    return {"type": "es_test_plugins:GateRunner", "gate": str(gate)}


def burn_runner(program: Path, burn_sec: float) -> dict:
    """A CommandRunner that burns `burn_sec` of CPU and then reports `done = 1`."""
    program.write_text(
        "import time\nt = time.process_time()\n"
        f"while time.process_time() - t < {burn_sec}: pass\nprint('done = 1')\n"
    )
    return {
        "type": "CommandRunner",
        "command": [sys.executable, str(program)],
        "outputs": [{"type": "key_value"}],
    }


def batch_config(
    tmp_path: Path, budget: int, runner: dict, executor: dict, seed: int | None = 4
) -> dict:
    """A one-level campaign of `budget` random points in x on `runner`, with `executor`."""
    sampler = {"type": "RandomSampler", "parameters": ["x"], "bounds": [[0.0, 1.0]]}
    sampler["budget"] = budget
    if seed is not None:
        sampler["seed"] = seed
    config = basic_config(tmp_path / "c", runner, sampler)
    config["executors"]["e1"] = executor
    return config


def dask_slurm_executor(
    partition: str, job_name: str, jobs: int, helpers_on_path: bool = True
) -> dict:
    """A DaskExecutor of `jobs` one-core dask-jobqueue worker jobs on `partition`; with
    `helpers_on_path` the workers can import the test plugins."""
    cluster = {
        "queue": partition,
        "cores": 1,
        "processes": 1,
        "memory": "1GB",
        "walltime": "00:10:00",
        "job_name": job_name,
        "interface": "lo",
    }
    if helpers_on_path:
        cluster["job_script_prologue"] = [f"export PYTHONPATH={HELPERS}:$PYTHONPATH"]
    return {"type": "DaskExecutor", "scale_n_jobs": jobs, "SLURMcluster_config": cluster}


def wait_for(
    condition: Callable[[], object], what: str, limit: float = 120.0, step: float = 0.25
) -> None:
    """Poll `condition` until true; fail the test naming `what` after `limit` seconds."""
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(step)


def run_beside(run: Callable[[], T], action: Callable[[], None]) -> T:
    """`run()` (the campaign) while `action` acts on its jobs from a daemon thread beside it;
    the action opens the runs' gate in the end, so the campaign can finish."""
    helper = threading.Thread(target=action, daemon=True)
    helper.start()
    result = run()
    helper.join(timeout=5)
    return result


def started_runs(tmp_path: Path) -> int:
    """How many GateRunner runs have started."""
    return len(list((tmp_path / "c" / "data").glob("*/started.txt")))


def journal(tmp_path: Path, event: str | None = None) -> list[dict]:
    """The campaign's journal entries, only those of `event` if given."""
    lines = (tmp_path / "c" / "journal.jsonl").read_text().splitlines()
    entries = [json.loads(line) for line in lines if line.strip()]
    return [e for e in entries if event is None or e["event"] == event]


def job_ids(tmp_path: Path, event: str = "batch_job") -> list[str]:
    """The job ids journalled by `event` entries, in journal order."""
    return [e["job_id"] for e in journal(tmp_path, event)]


def dataset(tmp_path: Path) -> pd.DataFrame:
    """The campaign's CSV dataset, ordered by run dir."""
    return pd.read_csv(tmp_path / "c" / "enchanted_dataset.csv").sort_values("run_dir")
