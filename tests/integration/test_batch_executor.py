"""The BatchExecutor against the real SLURM cluster that scripts/start_slurm.sh starts
(CI does so in .ci/run): one batch job per run, states from the scheduler, re-attach on
resume. Skipped where no SLURM answers."""

from __future__ import annotations

import signal
import subprocess
import threading
import uuid
from pathlib import Path

import pytest
from batch_campaigns import (
    batch_config,
    dataset,
    gate_runner,
    job_ids,
    journal,
    run_beside,
    started_runs,
    wait_for,
)
from campaign_configs import write_config
from processes import kill_9, start_run
from slurm_cluster import default_partition, queued, slurm_campaign_marks

PARTITION = default_partition()
pytestmark = slurm_campaign_marks(PARTITION)


def _config(tmp_path: Path, budget: int, gate: Path, **executor) -> tuple[dict, str]:
    name = f"es-batch-{uuid.uuid4().hex[:6]}"
    batch = {
        "type": "BatchExecutor",
        "job_name": name,
        "sbatch_args": [f"--partition={PARTITION}"],
        "poll_interval": 0.5,
        "poll_max": 2.0,
        **executor,
    }
    return batch_config(tmp_path, budget, gate_runner(gate), batch), name


def test_each_run_is_a_batch_job_rendered_from_the_users_script(tmp_path, enchanted):
    gate = tmp_path / "gate"
    gate.touch()
    template = (
        "#!/bin/bash\n#SBATCH --job-name={job_name}\n#SBATCH --output={batch_dir}/job.out\n"
        "#SBATCH --time=00:05:00\necho site-prologue > {run_dir}/prologue.txt\n{command}\n"
    )
    config, _ = _config(tmp_path, 3, gate, job_script_text=template)
    result = enchanted("run", write_config(tmp_path / "c.yaml", config), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    df = dataset(tmp_path)
    assert len(df) == 3 and (df["status"] == "SUCCESS").all()
    assert len(set(job_ids(tmp_path))) == 3  # one job per run, each id in the journal
    for run_dir in df["run_dir"]:
        assert (Path(run_dir) / "prologue.txt").read_text() == "site-prologue\n"


def test_a_job_that_fails_before_the_task_is_a_failed_run_with_its_output(tmp_path, enchanted):
    gate = tmp_path / "gate"
    gate.touch()
    template = (
        "#!/bin/bash\n#SBATCH --output={batch_dir}/job.out\n"
        "echo no licence >&2\nexit 3\n{command}\n"
    )
    config, _ = _config(tmp_path, 2, gate, job_script_text=template)
    result = enchanted("run", write_config(tmp_path / "c.yaml", config), cwd=tmp_path)
    df = dataset(tmp_path)
    assert len(df) == 2 and (df["status"] == "FAILED").all(), result.stderr
    assert df["error"].str.contains("FAILED").all()
    assert df["error"].str.contains("exit code 3").all()
    assert "no licence" in result.stderr


def test_scancel_of_a_running_job_is_a_cancelled_run(tmp_path, enchanted):
    gate = tmp_path / "gate"
    config, name = _config(tmp_path, 2, gate)

    def cancel_one_then_open_the_gate() -> None:
        try:
            wait_for(lambda: started_runs(tmp_path) == 2, "2 runs started")
            victim = sorted(queued(name))[0]
            subprocess.run(["scancel", victim], check=True)
            wait_for(lambda: victim not in queued(name), "the cancelled job to leave")
        finally:
            gate.touch()

    result = run_beside(
        lambda: enchanted("run", write_config(tmp_path / "c.yaml", config), cwd=tmp_path),
        cancel_one_then_open_the_gate,
    )
    df = dataset(tmp_path)
    assert sorted(df["status"]) == ["CANCELLED", "SUCCESS"], result.stderr


def test_a_job_over_its_walltime_is_a_timeout_run(tmp_path, enchanted):
    config, name = _config(tmp_path, 1, tmp_path / "never", sbatch_args=["--time=1"])
    result = enchanted("run", write_config(tmp_path / "c.yaml", config), cwd=tmp_path, timeout=300)
    df = dataset(tmp_path)
    assert list(df["status"]) == ["TIMEOUT"], result.stderr
    assert not queued(name)


def test_resume_after_kill_9_re_attaches_to_the_running_jobs(tmp_path, cli_env, enchanted):
    gate = tmp_path / "gate"
    config, name = _config(tmp_path, 2, gate)
    path = write_config(tmp_path / "c.yaml", config)
    first = start_run(path, cli_env, cwd=tmp_path)
    try:
        wait_for(lambda: started_runs(tmp_path) == 2, "2 runs started")
        wait_for(lambda: len(job_ids(tmp_path)) == 2, "2 job ids journalled")
    finally:
        kill_9(first)
    before = set(job_ids(tmp_path))
    assert set(queued(name)) == before  # the jobs outlived their supervisor

    threading.Timer(3.0, gate.touch).start()
    result = enchanted("run", str(path), "--resume", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    df = dataset(tmp_path)
    assert len(df) == 2 and (df["status"] == "SUCCESS").all()
    assert set(job_ids(tmp_path)) == before  # re-attached, nothing submitted again
    assert "re-attaching" in result.stderr


@pytest.mark.parametrize("on_stop", ["leave", "cancel"])
def test_sigterm_leaves_or_cancels_the_jobs_as_configured(tmp_path, cli_env, on_stop):
    config, name = _config(tmp_path, 2, tmp_path / "never", on_stop=on_stop)
    path = write_config(tmp_path / "c.yaml", config)
    campaign = start_run(path, cli_env, cwd=tmp_path)
    try:
        wait_for(lambda: started_runs(tmp_path) == 2, "2 runs started")
        jobs = set(job_ids(tmp_path))
        campaign.send_signal(signal.SIGTERM)
        assert campaign.wait(timeout=60) == 143
        assert journal(tmp_path)[-1]["event"] == "interrupted"
        if on_stop == "leave":
            assert set(queued(name)) == jobs
        else:
            wait_for(lambda: not queued(name), "the cancelled jobs to leave", limit=60)
    finally:
        if campaign.poll() is None:
            campaign.kill()
        for job in queued(name):
            subprocess.run(["scancel", job], check=False)
