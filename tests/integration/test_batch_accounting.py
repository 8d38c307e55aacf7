"""Per batch job, the scheduler's accounting (elapsed, CPU time, MaxRSS, state) lands in the
journal, next to the run's own CPU seconds and peak memory in the dataset; against the
real SLURM of scripts/start_slurm.sh. Without slurmdbd (CI's cluster) it comes from
`scontrol show job` and says so (`source: scontrol`)."""

from __future__ import annotations

import json
import sys

import pytest
from campaign_configs import basic_config
from slurm_cluster import default_partition

import enchanted_surrogates

PARTITION = default_partition()
pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.skipif(PARTITION is None, reason="no SLURM cluster reachable"),
]

BURN = "import time\nt = time.process_time()\nwhile time.process_time() - t < 1.0: pass\n"


def test_each_batch_jobs_accounting_is_journalled(tmp_path):
    program = tmp_path / "burn.py"
    program.write_text(BURN + "print('done = 1')\n")
    sampler = {"type": "RandomSampler", "parameters": ["x"], "bounds": [[0.0, 1.0]], "budget": 2}
    runner = {
        "type": "CommandRunner",
        "command": [sys.executable, str(program)],
        "outputs": [{"type": "key_value"}],
    }
    config = basic_config(tmp_path / "c", runner, sampler)
    config["executors"]["e1"] = {
        "type": "BatchExecutor",
        "sbatch_args": [f"--partition={PARTITION}"],
        "poll_interval": 0.5,
        "poll_max": 2.0,
    }
    df = enchanted_surrogates.run(config)
    assert (df["status"] == "SUCCESS").all(), df["error"].tolist()
    assert (df["cpu_sec_r1"] >= 0.9).all()  # measured inside the job
    assert (df["max_rss_mb_r1"] > 0).all()
    journal = [
        json.loads(line) for line in (tmp_path / "c" / "journal.jsonl").read_text().splitlines()
    ]
    submitted = {e["job_id"] for e in journal if e["event"] == "batch_job"}
    accounted = [e for e in journal if e["event"] == "batch_job_accounting"]
    assert {e["job_id"] for e in accounted} == submitted and len(submitted) == 2
    for entry in accounted:
        assert entry["state"] == "COMPLETED"
        assert entry["source"] in {"sacct", "scontrol"}
        assert entry["elapsed_sec"] >= 1
        if entry["source"] == "sacct":
            assert entry["cpu_sec"] >= 0.9
