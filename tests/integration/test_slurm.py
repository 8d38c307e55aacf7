"""Campaigns on a real SLURM cluster through dask-jobqueue (scripts/start_slurm.sh starts
a single-node one; .ci/run does so in CI). Skipped where no SLURM answers."""

from __future__ import annotations

import subprocess
import uuid

from batch_campaigns import (
    batch_config,
    dask_slurm_executor,
    gate_runner,
    job_ids,
    journal,
    run_beside,
    started_runs,
    wait_for,
)
from slurm_cluster import default_partition, slurm_campaign_marks

import enchanted_surrogates

PARTITION = default_partition()
pytestmark = slurm_campaign_marks(PARTITION)


def _jobs(name: str, states: str = "PD,R,CF,CG,S") -> dict[str, str]:
    """{job id: state} of this test's jobs still queued, running or completing."""
    out = subprocess.run(
        ["squeue", "-h", "-n", name, "-t", states, "-o", "%i %T"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(line.split() for line in out.splitlines() if line.strip())


def victim_of(seen: dict[str, set[str]]) -> str:
    """The job the helper cancelled: running before, not after."""
    (victim,) = seen["first"] - seen["after"]
    return victim


def test_a_slurm_campaign_survives_a_cancelled_job_and_leaves_no_jobs(tmp_path):
    job_name = f"es-test-{uuid.uuid4().hex[:6]}"
    gate = tmp_path / "gate"
    runner = gate_runner(gate)
    config = batch_config(tmp_path, 12, runner, dask_slurm_executor(PARTITION, job_name, 2), seed=2)
    seen: dict[str, set[str]] = {}

    def cancel_one_job_then_open_the_gate() -> None:
        try:
            wait_for(lambda: len(_jobs(job_name, "R")) == 2, "2 running worker jobs")
            wait_for(lambda: started_runs(tmp_path) >= 2, "2 runs started")
            first = set(_jobs(job_name, "R"))
            victim = sorted(first)[0]
            subprocess.run(["scancel", victim], check=True)
            wait_for(
                lambda: (
                    len(set(_jobs(job_name, "R")) - first) == 1 and len(_jobs(job_name, "R")) == 2
                ),
                "a replacement job running beside the survivor",
            )
            seen["first"], seen["after"] = first, set(_jobs(job_name, "R"))
        finally:
            gate.touch()

    df = run_beside(lambda: enchanted_surrogates.run(config), cancel_one_job_then_open_the_gate)

    assert len(df) == 12 and (df["status"] == "SUCCESS").all()
    assert df["run_dir"].is_unique
    assert seen, "the helper did not see a replacement job"
    assert len(seen["after"]) == 2 and len(seen["after"] & seen["first"]) == 1
    wait_for(lambda: not _jobs(job_name), "the campaign's jobs to leave squeue", limit=60)
    logs = tmp_path / "c" / "logs" / "dask-worker-logs"
    assert len(list(logs.glob("*.err"))) == 3
    # all three jobs were journalled and accounted, the cancelled one as soon as replaced
    entries = journal(tmp_path)
    jobs = job_ids(tmp_path, "worker_job")
    accounting = {e["job_id"]: e for e in journal(tmp_path, "worker_job_accounting")}
    assert set(jobs) == seen["first"] | seen["after"] == set(accounting)
    assert {e["state"] for e in accounting.values()} == {"CANCELLED"}
    replaced_at = next(e["t"] for e in entries if e["event"] == "worker_job_accounting")
    last_run = max(e["t"] for e in entries if e["event"] == "finished")
    assert accounting[victim_of(seen)]["t"] == replaced_at < last_run
