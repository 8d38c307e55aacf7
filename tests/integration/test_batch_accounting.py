"""Per batch job, the scheduler's accounting (elapsed, CPU time, MaxRSS, state) lands in the
journal, next to the run's own CPU seconds and peak memory in the dataset; against the
real SLURM of scripts/start_slurm.sh. Without slurmdbd (CI's cluster) it comes from
`scontrol show job` and says so (`source: scontrol`)."""

from __future__ import annotations

from batch_campaigns import batch_config, burn_runner, job_ids, journal
from slurm_cluster import default_partition, slurm_campaign_marks

import enchanted_surrogates

PARTITION = default_partition()
pytestmark = slurm_campaign_marks(PARTITION)


def test_each_batch_jobs_accounting_is_journalled(tmp_path):
    executor = {
        "type": "BatchExecutor",
        "sbatch_args": [f"--partition={PARTITION}"],
        "poll_interval": 0.5,
        "poll_max": 2.0,
    }
    runner = burn_runner(tmp_path / "burn.py", 1.0)
    config = batch_config(tmp_path, 2, runner, executor, seed=None)
    df = enchanted_surrogates.run(config)
    assert (df["status"] == "SUCCESS").all(), df["error"].tolist()
    assert (df["cpu_sec_r1"] >= 0.9).all()  # measured inside the job
    assert (df["max_rss_mb_r1"] > 0).all()
    submitted = set(job_ids(tmp_path))
    accounted = journal(tmp_path, "batch_job_accounting")
    assert {e["job_id"] for e in accounted} == submitted and len(submitted) == 2
    for entry in accounted:
        assert entry["state"] == "COMPLETED"
        assert entry["source"] in {"sacct", "scontrol"}
        assert entry["elapsed_sec"] >= 1
        if entry["source"] == "sacct":
            assert entry["cpu_sec"] >= 0.9
