"""Job arrays of the BatchExecutor against the real SLURM of scripts/start_slurm.sh: runs
submitted together go as one `sbatch --array`, every task runs its own run dir (found in
the array's manifest), and each task's state, cancel and re-attach on resume are per run.
Skipped where no SLURM answers."""

from __future__ import annotations

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
    run_beside,
    started_runs,
    wait_for,
)
from campaign_configs import write_config
from processes import kill_9, start_run
from slurm_cluster import default_partition, queued, slurm_campaign_marks

from enchanted_surrogates.executors import slurm_commands

PARTITION = default_partition()
pytestmark = slurm_campaign_marks(PARTITION)

TEMPLATE = (
    "#!/bin/bash\n#SBATCH --job-name={job_name}\n#SBATCH --output={batch_dir}/job.out\n"
    "#SBATCH --time=00:05:00\n\necho task of {run_id} > {run_dir}/prologue.txt\n{command}\n"
)


@pytest.fixture
def job_name():
    """A unique job-name prefix; every job left with it is cancelled afterwards."""
    name = f"es-array-{uuid.uuid4().hex[:6]}"
    yield name
    for job in queued(name):
        subprocess.run(["scancel", job], check=False)


def _config(tmp_path: Path, name: str, budget: int, gate: Path, **executor) -> dict:
    batch = {
        "type": "BatchExecutor",
        "job_name": name,
        "job_script_text": TEMPLATE,
        "sbatch_args": [f"--partition={PARTITION}"],
        "poll_interval": 0.5,
        "poll_max": 2.0,
        **executor,
    }
    return batch_config(tmp_path, budget, gate_runner(gate), batch)


def _known_jobs(name: str) -> list[str]:
    """Every job or array task SLURM still knows with this name prefix, finished or not
    (no slurmdbd here, so scontrol stands in for sacct)."""
    out = subprocess.run(
        ["scontrol", "show", "job", "-o"], capture_output=True, text=True, check=True
    ).stdout
    return [line for line in out.splitlines() if f"JobName={name}" in line]


def _array_of(job_ids: list[str]) -> str:
    arrays = {job.split("_")[0] for job in job_ids}
    assert len(arrays) == 1 and all("_" in job for job in job_ids), job_ids
    return arrays.pop()


def test_runs_go_as_one_array_and_each_task_runs_its_own_run_dir(tmp_path, enchanted, job_name):
    gate = tmp_path / "gate"
    gate.touch()
    config = _config(tmp_path, job_name, 3, gate)
    result = enchanted("run", write_config(tmp_path / "c.yaml", config), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    df = dataset(tmp_path)
    assert len(df) == 3 and (df["status"] == "SUCCESS").all()
    ids = job_ids(tmp_path)
    array = _array_of(ids)
    assert sorted(ids) == [f"{array}_{i}" for i in range(3)]
    assert "submitted 3 runs as array job" in result.stderr
    for run_dir in df["run_dir"]:
        name = Path(run_dir).name
        assert (Path(run_dir) / "prologue.txt").read_text() == f"task of {name}\n"
        job_out = Path(run_dir).parent / ".batch" / name / "job.out"
        assert job_out.exists()  # the task's output reached the run's own batch dir


def test_one_failing_task_fails_only_its_run(tmp_path, enchanted, job_name):
    gate = tmp_path / "gate"
    gate.touch()
    template = TEMPLATE.replace(
        "{command}", "case {run_id} in *_s1_*) echo no licence; exit 3;; esac\n{command}"
    )
    config = _config(tmp_path, job_name, 3, gate, job_script_text=template)
    result = enchanted("run", write_config(tmp_path / "c.yaml", config), cwd=tmp_path)
    df = dataset(tmp_path)
    assert list(df["status"]) == ["SUCCESS", "FAILED", "SUCCESS"], result.stderr
    failed = df[df["status"] == "FAILED"].iloc[0]
    assert "exit code 3" in failed["error"] and "no licence" in failed["error"]
    _array_of(job_ids(tmp_path))


def test_scancel_of_one_task_cancels_only_its_run(tmp_path, enchanted, job_name):
    gate = tmp_path / "gate"
    config = _config(tmp_path, job_name, 3, gate)
    victims: list[str] = []

    def cancel_one_then_open_the_gate() -> None:
        try:
            wait_for(lambda: started_runs(tmp_path) == 3, "3 runs started")
            victims.append(sorted(queued(job_name))[1])
            subprocess.run(["scancel", victims[0]], check=True)
            wait_for(lambda: victims[0] not in queued(job_name), "the cancelled task to go")
        finally:
            gate.touch()

    result = run_beside(
        lambda: enchanted("run", write_config(tmp_path / "c.yaml", config), cwd=tmp_path),
        cancel_one_then_open_the_gate,
    )
    array = _array_of(job_ids(tmp_path))
    assert victims == [f"{array}_1"]  # one task of the array, not the whole array
    df = dataset(tmp_path)
    assert list(df["status"]) == ["SUCCESS", "CANCELLED", "SUCCESS"], result.stderr


def test_resume_after_kill_9_re_attaches_to_the_array_tasks(tmp_path, cli_env, enchanted, job_name):
    gate = tmp_path / "gate"
    path = write_config(tmp_path / "c.yaml", _config(tmp_path, job_name, 3, gate))
    first = start_run(path, cli_env, cwd=tmp_path)
    try:
        wait_for(lambda: started_runs(tmp_path) == 3, "3 runs started")
        wait_for(lambda: len(job_ids(tmp_path)) == 3, "3 task ids journalled")
    finally:
        kill_9(first)
    before = set(job_ids(tmp_path))
    _array_of(sorted(before))
    assert set(queued(job_name)) == before  # the tasks outlived their supervisor

    threading.Timer(3.0, gate.touch).start()
    result = enchanted("run", str(path), "--resume", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    df = dataset(tmp_path)
    assert len(df) == 3 and (df["status"] == "SUCCESS").all()
    assert set(job_ids(tmp_path)) == before  # re-attached to the same tasks
    assert result.stderr.count("re-attaching") == 3
    assert len(_known_jobs(job_name)) == 3  # SLURM saw no job submitted again


def test_array_size_and_throttle_bound_each_array(tmp_path, enchanted, job_name):
    gate = tmp_path / "gate"
    config = _config(tmp_path, job_name, 3, gate, array_size=2, array_limit=1)
    seen: list[str] = []

    def look_then_open_the_gate() -> None:
        try:
            wait_for(lambda: len(queued(job_name)) >= 2, "the jobs to be queued")
            seen.extend(_known_jobs(job_name))
        finally:
            gate.touch()

    result = run_beside(
        lambda: enchanted("run", write_config(tmp_path / "c.yaml", config), cwd=tmp_path),
        look_then_open_the_gate,
    )
    assert result.returncode == 0, result.stderr
    assert (dataset(tmp_path)["status"] == "SUCCESS").all()
    ids = job_ids(tmp_path)
    arrays = [job for job in ids if "_" in job]
    assert len(arrays) == 2 and len(ids) == 3  # an array of 2, then a job of its own
    assert any("ArrayTaskThrottle=1" in line for line in seen), seen


def test_the_site_max_array_size_comes_from_scontrol():
    out = subprocess.run(["scontrol", "show", "config"], capture_output=True, text=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("MaxArraySize"))
    assert slurm_commands.max_array_size() == int(line.split("=")[1])
