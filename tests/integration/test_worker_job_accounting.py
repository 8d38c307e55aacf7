"""Per batch job behind dask-jobqueue workers, SLURM's accounting (elapsed, CPU time,
MaxRSS, state) lands in the journal, and the campaign's last log lines and `enchanted
status` say how many core-hours the worker jobs held; against the real SLURM of
scripts/start_slurm.sh. Without slurmdbd (CI's cluster) it comes from `scontrol show job`."""

from __future__ import annotations

import uuid

from batch_campaigns import batch_config, burn_runner, dask_slurm_executor, journal
from campaign_configs import write_config
from slurm_cluster import default_partition, queued, slurm_campaign_marks

PARTITION = default_partition()
pytestmark = slurm_campaign_marks(PARTITION)


def test_worker_jobs_are_journalled_and_accounted_with_core_hours_in_log_and_status(
    tmp_path, enchanted
):
    job_name = f"es-acct-{uuid.uuid4().hex[:6]}"
    runner = burn_runner(tmp_path / "burn.py", 0.5)
    executor = dask_slurm_executor(PARTITION, job_name, 1, helpers_on_path=False)
    config = batch_config(tmp_path, 3, runner, executor, seed=None)
    path = write_config(tmp_path / "c.yaml", config)
    done = enchanted("run", path, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    started = journal(tmp_path, "worker_job")
    accounted = journal(tmp_path, "worker_job_accounting")
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
