"""A `sbatch` that refuses every job (bad account or partition) ends the campaign within a
minute with the scheduler's own message, for the batch executor and for dask-jobqueue.
Needs no SLURM: a fake sbatch on PATH answers as a real one does."""

from __future__ import annotations

import json
import os
import time

import pytest
from campaign_configs import basic_config, write_config

pytestmark = pytest.mark.integration

MESSAGE = "sbatch: error: Batch job submission failed: Invalid account or account/partition"

EXECUTORS = {
    "batch": {"type": "BatchExecutor"},
    "dask-jobqueue": {
        "type": "DaskExecutor",
        "scale_n_jobs": 1,
        "SLURMcluster_config": {
            "cores": 1,
            "memory": "1GB",
            "walltime": "00:05:00",
            "interface": "lo",
        },
    },
}


@pytest.mark.parametrize("executor", sorted(EXECUTORS))
def test_a_failing_sbatch_ends_the_campaign_with_its_message(tmp_path, enchanted, executor):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "sbatch"
    fake.write_text(f"#!/bin/sh\necho '{MESSAGE}' >&2\nexit 1\n")
    fake.chmod(0o755)
    config = basic_config(tmp_path / "c", {"type": "SumRunner", "params_to_sum": ["x", "y"]})
    config["executors"]["e1"] = EXECUTORS[executor]
    path = write_config(tmp_path / "c.yaml", config)
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}

    t0 = time.monotonic()
    result = enchanted("run", path, cwd=tmp_path, env=env, timeout=90)
    assert time.monotonic() - t0 < 60
    assert result.returncode != 0
    assert MESSAGE in result.stderr
    assert "Traceback" not in result.stderr
    events = [json.loads(line) for line in (tmp_path / "c" / "journal.jsonl").open()]
    assert any(MESSAGE in e.get("reason", "") for e in events if e["event"] == "aborted")
