"""DaskExecutor keys: validation, the missing-extra message, and what a batch job gets,
checked without starting any cluster."""

from __future__ import annotations

import importlib.util

import pytest
from campaign_configs import basic_config

from enchanted_surrogates import ConfigError
from enchanted_surrogates.config.spec import load_spec
from enchanted_surrogates.executors import dask_config
from enchanted_surrogates.executors.dask import DaskExecutor
from enchanted_surrogates.executors.dask_cluster import (
    jobqueue_kwargs,
    walltime_seconds,
    worker_lifetime,
)
from enchanted_surrogates.executors.dask_config import DaskExecutorConfig

SLURM = {"cores": 1, "memory": "1GB", "walltime": "02:00:00", "queue": "debug"}


def _problems(tmp_path, executor: dict) -> str:
    config = basic_config(tmp_path, {"type": "SumRunner", "params_to_sum": ["x"]})
    config["executors"]["e1"] = {"type": "DaskExecutor", **executor}
    with pytest.raises(ConfigError) as caught:
        load_spec(config)
    return str(caught.value)


@pytest.mark.parametrize(
    ("executor", "expected"),
    [
        (
            {"SLURMcluster_config": SLURM, "scale_n_jobs_min": 1},
            "executors.e1.scale_n_jobs_max: adaptive scaling needs both",
        ),
        (
            {
                "SLURMcluster_config": SLURM,
                "scale_n_jobs": 2,
                "scale_n_jobs_min": 1,
                "scale_n_jobs_max": 3,
            },
            "executors.e1.scale_n_jobs: give either scale_n_jobs or",
        ),
        ({"scale_n_jobs": 2}, "executors.e1.scale_n_jobs: scales batch jobs"),
        (
            {"LocalCluster_config": {}, "scheduler_address": "tcp://h:8786"},
            "executors.e1.scheduler_address: give only one of",
        ),
        ({"SLURMcluster_confg": SLURM}, "did you mean 'SLURMcluster_config'"),
        ({"jobqueue": {"cluster": "slurmm"}}, "executors.e1.jobqueue.cluster"),
    ],
)
def test_bad_keys_are_config_errors_naming_the_key(tmp_path, executor, expected):
    assert expected in _problems(tmp_path, executor)


def test_a_missing_dask_jobqueue_names_the_extra_to_install(tmp_path, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        dask_config.importlib.util,
        "find_spec",
        lambda name, *a: None if name == "dask_jobqueue" else real(name, *a),
    )
    message = _problems(tmp_path, {"SLURMcluster_config": SLURM})
    assert "executors.e1.SLURMcluster_config: needs dask_jobqueue, not installed" in message
    assert "pip install 'enchanted-surrogates[hpc]'" in message


def test_a_missing_distributed_names_the_dask_extra(tmp_path, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        dask_config.importlib.util,
        "find_spec",
        lambda name, *a: None if name == "distributed" else real(name, *a),
    )
    assert "pip install 'enchanted-surrogates[dask]'" in _problems(tmp_path, {})


def test_validating_starts_no_cluster_and_describes_the_plan():
    executor = DaskExecutor(SLURMcluster_config=SLURM, scale_n_jobs=3)
    assert executor.client is None
    assert executor.worker_slots() == 3
    assert executor.describe() == "DaskExecutor on a SLURMCluster of 3 jobs, 3 worker threads"
    adaptive = DaskExecutor(
        jobqueue={"cluster": "pbs", "cores": 4}, scale_n_jobs_min=1, scale_n_jobs_max=5
    )
    assert adaptive.worker_slots() == 20  # enough queued runs to let adapt() scale up


def test_capacity_counts_worker_slots_and_max_pending():
    executor = DaskExecutor(LocalCluster_config={"n_workers": 2}, max_pending=3)
    assert executor.capacity() == 2
    assert executor.capacity(eager=True) == 5


@pytest.mark.parametrize(
    ("text", "cluster", "seconds"),
    [
        ("02:00:00", "slurm", 7200),
        ("1-00:30:00", "slurm", 88200),
        ("30", "slurm", 1800),
        ("10:30", "slurm", 630),
        ("10:30", "lsf", 37800),
    ],
)
def test_walltimes_are_read_as_the_batch_system_means_them(text, cluster, seconds):
    assert walltime_seconds(text, cluster) == seconds


def test_workers_retire_before_the_walltime():
    lifetime, stagger = worker_lifetime("02:00:00", None, "slurm")
    assert lifetime + stagger < 7200
    assert lifetime == 7200 - 360 and stagger == 90
    assert worker_lifetime("00:01:00", None, "slurm") is None


def test_batch_jobs_get_lifetime_logs_localhost_dashboard_and_non_daemon_workers():
    config = DaskExecutorConfig(
        SLURMcluster_config={**SLURM, "job_script_prologue": ["module load python"]}
    )
    kwargs = jobqueue_kwargs(config, "/runs/c/logs/dask-worker-logs")
    assert kwargs["worker_extra_args"] == ["--lifetime", "6840s", "--lifetime-stagger", "90s"]
    assert kwargs["log_directory"] == "/runs/c/logs/dask-worker-logs"
    assert kwargs["scheduler_options"] == {"dashboard_address": "127.0.0.1:8787"}
    assert kwargs["job_script_prologue"] == [
        "export DASK_DISTRIBUTED__WORKER__DAEMON=False",
        "module load python",
    ]


def test_a_lifetime_the_user_set_is_kept():
    config = DaskExecutorConfig(
        SLURMcluster_config={**SLURM, "worker_extra_args": ["--lifetime", "50m"]}
    )
    assert jobqueue_kwargs(config, None)["worker_extra_args"] == ["--lifetime", "50m"]


def test_jobqueue_keys_are_checked_against_dask_jobqueue_parameters(tmp_path):
    # `on` in a prologue is a YAML boolean; `acount` is misspelt: both fail at validate,
    # not inside the batch job
    bad = {**SLURM, "acount": "proj", "job_script_prologue": ["module load x", True]}
    problems = _problems(tmp_path, {"SLURMcluster_config": bad})
    assert "acount: not a SLURMCluster parameter; did you mean 'account'?" in problems
    assert "job_script_prologue[1]: True is not a string" in problems and "quote it" in problems
    jobqueue = {"cluster": "pbs", "queue": 5, "resource_spec": "select=1"}
    assert "queue: 5 is not a string" in _problems(tmp_path, {"jobqueue": jobqueue})


def test_valid_jobqueue_keys_pass(tmp_path):
    config = basic_config(tmp_path, {"type": "SumRunner", "params_to_sum": ["x"]})
    prologue = {"job_script_prologue": ["module load python"], "account": "p1"}
    config["executors"]["e1"] = {
        "type": "DaskExecutor",
        "SLURMcluster_config": {**SLURM, **prologue},
    }
    load_spec(config)
