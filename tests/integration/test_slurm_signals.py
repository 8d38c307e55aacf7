"""Ctrl-C or SIGTERM with a dask-jobqueue cluster on the real SLURM (whose import replaces
the SIGINT handler) stops the campaign as interrupted: exit 130/143, journal 'interrupted',
no worker jobs left behind."""

from __future__ import annotations

import signal
import subprocess
import uuid

import pytest
from batch_campaigns import (
    batch_config,
    dask_slurm_executor,
    gate_runner,
    journal,
    started_runs,
    wait_for,
)
from campaign_configs import write_config
from processes import start_run
from slurm_cluster import default_partition, queued, slurm_campaign_marks

PARTITION = default_partition()
pytestmark = slurm_campaign_marks(PARTITION)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_a_dask_jobqueue_campaign_as_interrupted(tmp_path, cli_env, signum):
    name = f"es-sig-{uuid.uuid4().hex[:6]}"
    runner = gate_runner(tmp_path / "no")
    config = batch_config(tmp_path, 2, runner, dask_slurm_executor(PARTITION, name, 1), seed=None)
    path = write_config(tmp_path / "c.yaml", config)
    campaign = start_run(path, cli_env, cwd=tmp_path, stderr=subprocess.PIPE)
    wait_for(lambda: campaign.poll() is not None or started_runs(tmp_path), "a run to start")
    assert campaign.poll() is None, "the campaign ended before a run started"
    campaign.send_signal(signum)
    _, err = campaign.communicate(timeout=60)

    assert campaign.returncode == 128 + signum, err
    entries = journal(tmp_path)
    assert entries[-1]["event"] == "interrupted"
    assert not any(e["event"] == "campaign_finished" for e in entries)
    wait_for(lambda: not queued(name), "the worker job to leave with the campaign", limit=60)
