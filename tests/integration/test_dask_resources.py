"""Dask worker resources: a run declaring N cores takes N of one worker's `cores`, so a
real LocalCluster worker with 4 threads and 4 cores runs two 2-rank runs at once, not four.
Each rank counts the ranks alive when it starts (never more than are)."""

from __future__ import annotations

import shutil

import pytest
from campaign_configs import basic_config

import enchanted_surrogates
from enchanted_surrogates.executors.dask_resources import _extra_args_cores

RANK_SCRIPT = """#!/bin/sh
touch "$1/$$"
ls "$1" | wc -l >> "$2"
sleep 1
rm "$1/$$"
"""


@pytest.mark.slow
@pytest.mark.integration
@pytest.mark.skipif(shutil.which("mpirun") is None, reason="Open MPI missing (openmpi-bin)")
def test_a_dask_worker_never_runs_more_declared_cores_than_it_has(tmp_path):
    alive, seen = tmp_path / "alive", tmp_path / "seen.txt"
    alive.mkdir()
    script = tmp_path / "rank.sh"
    script.write_text(RANK_SCRIPT)
    script.chmod(0o755)
    sampler = {"type": "RandomSampler", "parameters": ["x"], "bounds": [[0.0, 1.0]], "budget": 6}
    runner = {
        "type": "CommandRunner",
        "command": [str(script), str(alive), str(seen)],
        "launcher": {"type": "mpirun", "ranks": 2},
    }
    config = basic_config(tmp_path / "c", runner, sampler)
    config["executors"]["e1"] = {
        "type": "DaskExecutor",
        "LocalCluster_config": {"n_workers": 1, "threads_per_worker": 4},  # cores: 4
    }
    df = enchanted_surrogates.run(config)
    assert (df["status"] == "SUCCESS").all(), df["error"].tolist()
    counts = [int(line) for line in seen.read_text().split()]
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
