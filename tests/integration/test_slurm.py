"""Campaigns on a real SLURM cluster through dask-jobqueue (scripts/start_slurm.sh starts
a single-node one; .ci/run does so in CI). Skipped where no SLURM answers."""

from __future__ import annotations

import json
import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest
from campaign_configs import basic_config
from slurm_cluster import default_partition

import enchanted_surrogates

HELPERS = Path(__file__).resolve().parents[1] / "helpers"


PARTITION = default_partition()
pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.skipif(
        PARTITION is None,
        reason="no SLURM cluster reachable (sinfo missing or failing); "
        "start one with scripts/start_slurm.sh (root)",
    ),
]


def _jobs(name: str, states: str = "PD,R,CF,CG,S") -> dict[str, str]:
    """{job id: state} of this test's jobs still queued, running or completing."""
    out = subprocess.run(
        ["squeue", "-h", "-n", name, "-t", states, "-o", "%i %T"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(line.split() for line in out.splitlines() if line.strip())


def _wait_for(condition, what: str, limit: float = 120.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.25)


def victim_of(seen: dict[str, set[str]]) -> str:
    """The job the helper cancelled: running before, not after."""
    (victim,) = seen["first"] - seen["after"]
    return victim


def test_a_slurm_campaign_survives_a_cancelled_job_and_leaves_no_jobs(tmp_path):
    job_name = f"es-test-{uuid.uuid4().hex[:6]}"
    gate = tmp_path / "gate"
    sampler = {
        "type": "RandomSampler",
        "parameters": ["x"],
        "bounds": [[0.0, 1.0]],
        "budget": 12,
        "seed": 2,
    }
    config = basic_config(
        tmp_path / "c", {"type": "es_test_plugins:GateRunner", "gate": str(gate)}, sampler
    )
    config["executors"]["e1"] = {
        "type": "DaskExecutor",
        "scale_n_jobs": 2,
        "SLURMcluster_config": {
            "queue": PARTITION,
            "cores": 1,
            "processes": 1,
            "memory": "1GB",
            "walltime": "00:10:00",
            "job_name": job_name,
            "interface": "lo",
            "job_script_prologue": [f"export PYTHONPATH={HELPERS}:$PYTHONPATH"],
        },
    }
    seen: dict[str, set[str]] = {}

    def cancel_one_job_then_open_the_gate() -> None:
        try:
            _wait_for(lambda: len(_jobs(job_name, "R")) == 2, "2 running worker jobs")
            data = tmp_path / "c" / "data"
            _wait_for(lambda: len(list(data.glob("*/started.txt"))) >= 2, "2 runs started")
            first = set(_jobs(job_name, "R"))
            victim = sorted(first)[0]
            subprocess.run(["scancel", victim], check=True)
            _wait_for(
                lambda: (
                    len(set(_jobs(job_name, "R")) - first) == 1 and len(_jobs(job_name, "R")) == 2
                ),
                "a replacement job running beside the survivor",
            )
            seen["first"], seen["after"] = first, set(_jobs(job_name, "R"))
        finally:
            gate.touch()

    helper = threading.Thread(target=cancel_one_job_then_open_the_gate, daemon=True)
    helper.start()
    df = enchanted_surrogates.run(config)
    helper.join(timeout=5)

    assert len(df) == 12 and (df["status"] == "SUCCESS").all()
    assert df["run_dir"].is_unique
    assert seen, "the helper did not see a replacement job"
    assert len(seen["after"]) == 2 and len(seen["after"] & seen["first"]) == 1
    _wait_for(lambda: not _jobs(job_name), "the campaign's jobs to leave squeue", limit=60)
    logs = tmp_path / "c" / "logs" / "dask-worker-logs"
    assert len(list(logs.glob("*.err"))) == 3
    # all three jobs were journalled and accounted, the cancelled one as soon as replaced
    journal = [json.loads(line) for line in (tmp_path / "c" / "journal.jsonl").open()]
    jobs = [e["job_id"] for e in journal if e["event"] == "worker_job"]
    accounting = {e["job_id"]: e for e in journal if e["event"] == "worker_job_accounting"}
    assert set(jobs) == seen["first"] | seen["after"] == set(accounting)
    assert {e["state"] for e in accounting.values()} == {"CANCELLED"}
    replaced_at = next(e["t"] for e in journal if e["event"] == "worker_job_accounting")
    last_run = max(e["t"] for e in journal if e["event"] == "finished")
    assert accounting[victim_of(seen)]["t"] == replaced_at < last_run
