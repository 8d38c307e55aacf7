"""Per batch job behind dask-jobqueue workers, SLURM's accounting (elapsed, CPU time,
MaxRSS, state) lands in the journal, and the campaign's last log lines and `enchanted
status` say how many core-hours the worker jobs held; against the real SLURM of
scripts/start_slurm.sh. Without slurmdbd (CI's cluster) it comes from `scontrol show job`."""

from __future__ import annotations

import json
import sys
import uuid

import pytest
from campaign_configs import basic_config, write_config
from slurm_cluster import default_partition, queued

PARTITION = default_partition()
pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.skipif(PARTITION is None, reason="no SLURM cluster reachable"),
]

BURN = (
    "import time\nt = time.process_time()\n"
    "while time.process_time() - t < 0.5: pass\nprint('done = 1')\n"
)


def test_worker_jobs_are_journalled_and_accounted_with_core_hours_in_log_and_status(
    tmp_path, enchanted
):
    job_name = f"es-acct-{uuid.uuid4().hex[:6]}"
    program = tmp_path / "burn.py"
    program.write_text(BURN)
    sampler = {"type": "RandomSampler", "parameters": ["x"], "bounds": [[0.0, 1.0]], "budget": 3}
    runner = {
        "type": "CommandRunner",
        "command": [sys.executable, str(program)],
        "outputs": [{"type": "key_value"}],
    }
    config = basic_config(tmp_path / "c", runner, sampler)
    config["executors"]["e1"] = {
        "type": "DaskExecutor",
        "scale_n_jobs": 1,
        "SLURMcluster_config": {
            "queue": PARTITION,
            "cores": 1,
            "processes": 1,
            "memory": "1GB",
            "walltime": "00:10:00",
            "job_name": job_name,
            "interface": "lo",
        },
    }
    path = write_config(tmp_path / "c.yaml", config)
    done = enchanted("run", path, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    journal = [
        json.loads(line) for line in (tmp_path / "c" / "journal.jsonl").read_text().splitlines()
    ]
    started = [e for e in journal if e["event"] == "worker_job"]
    accounted = [e for e in journal if e["event"] == "worker_job_accounting"]
    assert len(started) == 1 and started[0]["cores"] == 1
    assert [e["job_id"] for e in accounted] == [started[0]["job_id"]]
    entry = accounted[0]
    assert entry["source"] in {"sacct", "scontrol"}
    assert entry["state"] in {"CANCELLED", "COMPLETED"}  # closing the cluster ends it
    assert entry["elapsed_sec"] >= 1 and entry["cores"] == 1
    if entry["source"] == "sacct":
        assert entry["cpu_sec"] >= 1.0 and entry["max_rss_mb"] > 0
    assert queued(job_name) == {}

    last = (tmp_path / "c" / "logs" / "main.log").read_text().splitlines()[-4:]
    report = [line for line in last if "worker jobs: 1 batch jobs held" in line]
    assert report and "core-hours" in report[0], last
    status = enchanted("status", tmp_path / "c", cwd=tmp_path)
    assert status.returncode == 0, status.stderr
    assert "worker jobs: 1 batch jobs held" in status.stdout
    assert "core-hours used by 3 runs" in status.stdout
