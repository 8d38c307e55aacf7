"""Ctrl-C or SIGTERM with a dask-jobqueue cluster on the real SLURM (whose import replaces
the SIGINT handler) stops the campaign as interrupted: exit 130/143, journal 'interrupted',
no worker jobs left behind."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from campaign_configs import basic_config, write_config
from slurm_cluster import default_partition, queued

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


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_a_dask_jobqueue_campaign_as_interrupted(tmp_path, cli_env, signum):
    name = f"es-sig-{uuid.uuid4().hex[:6]}"
    sampler = {"type": "RandomSampler", "parameters": ["x"], "bounds": [[0.0, 1.0]], "budget": 2}
    config = basic_config(
        tmp_path / "c",
        {"type": "es_test_plugins:GateRunner", "gate": str(tmp_path / "no")},
        sampler,
    )
    config["executors"]["e1"] = {
        "type": "DaskExecutor",
        "scale_n_jobs": 1,
        "SLURMcluster_config": {
            "queue": PARTITION,
            "cores": 1,
            "processes": 1,
            "memory": "1GB",
            "walltime": "00:10:00",
            "job_name": name,
            "interface": "lo",
            "job_script_prologue": [f"export PYTHONPATH={HELPERS}:$PYTHONPATH"],
        },
    }
    path = write_config(tmp_path / "c.yaml", config)
    campaign = subprocess.Popen(
        [sys.executable, "-m", "enchanted_surrogates", "run", str(path)],
        cwd=tmp_path,
        env=cli_env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    data = tmp_path / "c" / "data"
    deadline = time.monotonic() + 120
    while not list(data.glob("*/started.txt")):
        assert campaign.poll() is None and time.monotonic() < deadline, "no run started"
        time.sleep(0.25)
    campaign.send_signal(signum)
    _, err = campaign.communicate(timeout=60)

    assert campaign.returncode == 128 + signum, err
    journal = [json.loads(line) for line in (tmp_path / "c" / "journal.jsonl").open()]
    assert journal[-1]["event"] == "interrupted"
    assert not any(e["event"] == "campaign_finished" for e in journal)
    deadline = time.monotonic() + 60
    while queued(name):
        assert time.monotonic() < deadline, "the worker job outlived the campaign"
        time.sleep(0.5)
