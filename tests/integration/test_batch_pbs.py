"""The BatchExecutor's PBS backend (`scheduler: pbs`) against fake qsub/qstat/qdel on PATH
(tests/helpers/fake_pbs): they print what PBS Professional prints and really run the jobs.
There is no real PBS here; the SLURM tests (test_batch_executor.py, test_batch_arrays.py)
are the reference for real scheduler behaviour."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from batch_campaigns import (
    batch_config,
    dataset,
    gate_runner,
    journal,
    run_beside,
    started_runs,
    wait_for,
)
from campaign_configs import write_config
from processes import kill_9, start_run

pytestmark = [pytest.mark.integration, pytest.mark.slow]

FAKE_PBS = Path(__file__).parents[1] / "helpers" / "fake_pbs"
# the fake PBS answers fast: wait less long, poll more often than on the real SLURM
_wait_for = functools.partial(wait_for, limit=60.0, step=0.1)


@pytest.fixture
def pbs_env(tmp_path):
    """PATH with the fake PBS first, and its job records under tmp_path; no job outlives
    the test."""
    env = {
        "PATH": f"{FAKE_PBS}{os.pathsep}{os.environ['PATH']}",
        "FAKE_PBS_DIR": str(tmp_path / "pbs"),
    }
    yield env
    for record in (tmp_path / "pbs").glob("*.json"):
        job = json.loads(record.read_text())
        if job.get("job_state") == "R":
            subprocess.run(
                [sys.executable, FAKE_PBS / "fake_pbs.py", "qdel", job["id"]],
                env={**os.environ, **env},
                check=False,
            )


def _config(tmp_path: Path, budget: int, runner: dict | None = None, **executor) -> dict:
    batch = {
        "type": "BatchExecutor",
        "scheduler": "pbs",
        "poll_interval": 0.2,
        "poll_max": 1.0,
        **executor,
    }
    return batch_config(tmp_path, budget, runner or gate_runner(tmp_path / "gate"), batch)


def _submissions(tmp_path: Path) -> list[list[str]]:
    """The qsub command lines the fake received, one per job or array."""
    records = [json.loads(p.read_text()) for p in (tmp_path / "pbs").glob("*.json")]
    return [r["submit_args"] for r in records if r.get("index") is None]


def test_an_array_of_runs_succeeds_with_qstat_accounting(tmp_path, enchanted, pbs_env):
    (tmp_path / "gate").touch()
    config = _config(tmp_path, 3)
    result = enchanted("run", write_config(tmp_path / "c.yaml", config), cwd=tmp_path, env=pbs_env)
    assert result.returncode == 0, result.stderr
    df = dataset(tmp_path)
    assert len(df) == 3 and (df["status"] == "SUCCESS").all()
    ids = sorted(e["job_id"] for e in journal(tmp_path, "batch_job"))
    number = ids[0].split("[")[0]
    assert ids == [f"{number}[{i}].fakeserver" for i in range(3)]
    [qsub] = _submissions(tmp_path)
    assert qsub[:2] == ["-J", "0-2"]
    accounted = journal(tmp_path, "batch_job_accounting")
    assert sorted(e["job_id"] for e in accounted) == ids
    assert all(e["source"] == "qstat" and e["state"] == "COMPLETED" for e in accounted)
    for run_dir in df["run_dir"]:  # each subjob's output went to its own run's batch dir
        job_out = Path(run_dir).parent / ".batch" / Path(run_dir).name / "job.out"
        assert job_out.exists()


def test_a_failing_subjob_fails_only_its_run(tmp_path, enchanted, pbs_env):
    (tmp_path / "gate").touch()
    template = (
        "#!/bin/bash\n#PBS -N {job_name}\n#PBS -o {batch_dir}/job.out\n"
        "case {run_id} in *_s1_*) echo no licence; exit 3;; esac\n{command}\n"
    )
    config = _config(tmp_path, 3, job_script_text=template)
    result = enchanted("run", write_config(tmp_path / "c.yaml", config), cwd=tmp_path, env=pbs_env)
    df = dataset(tmp_path)
    assert list(df["status"]) == ["SUCCESS", "FAILED", "SUCCESS"], result.stderr
    error = df["error"].iloc[1]
    assert "exit code 3" in error and "no licence" in error


def test_qdel_of_a_running_subjob_is_a_cancelled_run(tmp_path, enchanted, pbs_env):
    config = _config(tmp_path, 2)

    def qdel_one_then_open_the_gate() -> None:
        try:
            _wait_for(lambda: started_runs(tmp_path) == 2, "2 runs started")
            _wait_for(lambda: len(journal(tmp_path, "batch_job")) == 2, "2 jobs journalled")
            jobs = [e["job_id"] for e in journal(tmp_path, "batch_job")]
            subprocess.run(["qdel", sorted(jobs)[0]], env={**os.environ, **pbs_env}, check=True)
            _wait_for(
                lambda: any(
                    json.loads(p.read_text()).get("Exit_status") == 271
                    for p in (tmp_path / "pbs").glob("*.json")
                ),
                "the deleted subjob to end",
            )
        finally:
            (tmp_path / "gate").touch()

    result = run_beside(
        lambda: enchanted(
            "run", write_config(tmp_path / "c.yaml", config), cwd=tmp_path, env=pbs_env
        ),
        qdel_one_then_open_the_gate,
    )
    assert list(dataset(tmp_path)["status"]) == ["CANCELLED", "SUCCESS"], result.stderr


def test_a_job_over_its_walltime_is_a_timeout_run(tmp_path, enchanted, pbs_env):
    config = _config(tmp_path, 1, qsub_args=["-l", "walltime=00:00:02"])
    result = enchanted("run", write_config(tmp_path / "c.yaml", config), cwd=tmp_path, env=pbs_env)
    df = dataset(tmp_path)
    assert list(df["status"]) == ["TIMEOUT"], result.stderr
    [qsub] = _submissions(tmp_path)
    assert "-J" not in qsub  # a single run is a job of its own


def test_a_run_declaring_cores_asks_pbs_for_them(tmp_path, enchanted, pbs_env):
    runner = {
        "type": "CommandRunner",
        "command": ["sh", "-c", "echo done = 1"],
        "outputs": [{"type": "key_value"}],
        "launcher": {"type": "mpirun", "ranks": 2, "threads": 1},
    }
    config = _config(tmp_path, 2, runner, array_size=1)
    result = enchanted("run", write_config(tmp_path / "c.yaml", config), cwd=tmp_path, env=pbs_env)
    assert result.returncode == 0, result.stderr
    submissions = _submissions(tmp_path)
    assert len(submissions) == 2  # array_size: 1 -> one job per run
    for qsub in submissions:
        assert qsub[:2] == ["-l", "select=1:ncpus=2:mpiprocs=2:ompthreads=1"]


def test_a_refusing_qsub_ends_the_campaign_with_its_message(tmp_path, enchanted, pbs_env):
    config = _config(tmp_path, 2, qsub_args=["-q", "nosuchqueue"])
    result = enchanted("run", write_config(tmp_path / "c.yaml", config), cwd=tmp_path, env=pbs_env)
    assert result.returncode == 3, result.stderr
    assert "qsub failed: qsub: Unknown queue" in result.stderr
    assert "Traceback" not in result.stderr
    assert journal(tmp_path, "aborted")


def test_pbs_keys_do_not_mix_with_slurm_keys(tmp_path, enchanted):
    config = _config(tmp_path, 1, sbatch_args=["--partition=debug"])
    result = enchanted("run", write_config(tmp_path / "c.yaml", config), cwd=tmp_path)
    assert result.returncode == 2
    assert "executors.e1: sbatch_args does not apply to scheduler: pbs" in result.stderr
    assert not (tmp_path / "c").exists()


def test_a_template_with_per_run_option_lines_goes_one_job_per_run(tmp_path, enchanted, pbs_env):
    (tmp_path / "gate").touch()
    template = "#!/bin/bash\n#PBS -N {run_id}\n#PBS -o {run_dir}/own.out\n{command}\n"
    config = _config(tmp_path, 2, job_script_text=template)
    result = enchanted("run", write_config(tmp_path / "c.yaml", config), cwd=tmp_path, env=pbs_env)
    assert result.returncode == 0, result.stderr
    submissions = _submissions(tmp_path)
    assert len(submissions) == 2 and not any("-J" in qsub for qsub in submissions)
    for run_dir in dataset(tmp_path)["run_dir"]:
        assert (Path(run_dir) / "own.out").exists()


def test_resume_after_kill_9_re_attaches_to_the_subjobs(tmp_path, cli_env, enchanted, pbs_env):
    path = write_config(tmp_path / "c.yaml", _config(tmp_path, 2))
    first = start_run(path, {**cli_env, **pbs_env}, cwd=tmp_path)
    try:
        _wait_for(lambda: started_runs(tmp_path) == 2, "2 runs started")
        _wait_for(lambda: len(journal(tmp_path, "batch_job")) == 2, "2 subjobs journalled")
    finally:
        kill_9(first)
    before = {e["job_id"] for e in journal(tmp_path, "batch_job")}
    threading.Timer(2.0, (tmp_path / "gate").touch).start()
    result = enchanted("run", str(path), "--resume", cwd=tmp_path, env=pbs_env)
    assert result.returncode == 0, result.stderr
    assert (dataset(tmp_path)["status"] == "SUCCESS").all()
    assert {e["job_id"] for e in journal(tmp_path, "batch_job")} == before
    assert len(_submissions(tmp_path)) == 1  # the one array; nothing submitted again


def test_arrays_stay_within_the_servers_max_array_size(tmp_path, enchanted, pbs_env):
    (tmp_path / "gate").touch()
    config = _config(tmp_path, 3)
    env = {**pbs_env, "FAKE_PBS_MAX_ARRAY": "2"}
    result = enchanted("run", write_config(tmp_path / "c.yaml", config), cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    arrays = sorted(qsub[1] for qsub in _submissions(tmp_path) if "-J" in qsub)
    assert arrays == ["0-1"] and len(_submissions(tmp_path)) == 2  # 2 in an array, 1 alone
