"""Dask worker resources: a run declaring N cores takes N of one worker's `cores`, so a
real LocalCluster worker with 4 threads and 4 cores runs two 2-rank runs at once, not four.
Each rank counts the ranks alive when it starts (never more than are)."""

from __future__ import annotations

import shutil

import pytest
from rank_counting import rank_counting_config, rank_counts

import enchanted_surrogates
from enchanted_surrogates.executors.dask_resources import _extra_args_cores


@pytest.mark.slow
@pytest.mark.integration
@pytest.mark.skipif(shutil.which("mpirun") is None, reason="Open MPI missing (openmpi-bin)")
def test_a_dask_worker_never_runs_more_declared_cores_than_it_has(tmp_path):
    config, seen = rank_counting_config(tmp_path)
    config["executors"]["e1"] = {
        "type": "DaskExecutor",
        "LocalCluster_config": {"n_workers": 1, "threads_per_worker": 4},  # cores: 4
    }
    df = enchanted_surrogates.run(config)
    assert (df["status"] == "SUCCESS").all(), df["error"].tolist()
    counts = rank_counts(seen)
    assert len(counts) == 12  # every rank of every run ran
    assert max(counts) <= 4


@pytest.mark.parametrize(
    ("args", "cores"),
    [
        (["--resources", "cores=16"], 16.0),
        (["--resources=GPU=1,cores=8"], 8.0),
        (["--lifetime", "1h"], 0.0),
    ],
)
def test_jobqueue_workers_declare_cores_in_their_extra_args(args, cores):
    assert _extra_args_cores(args) == cores
