"""CommandRunner's launcher with real Open MPI (Debian's openmpi-bin, installed by .ci/run):
`mpirun -np 2` runs a real MPI program compiled here with mpicc; and `srun` inside the real
SLURM. Skipped with a reason where the tools are missing."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from campaign_configs import basic_config
from rank_counting import rank_counting_config, rank_counts
from slurm_cluster import default_partition

import enchanted_surrogates

pytestmark = pytest.mark.integration

MPI_PROGRAM = r"""
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
    int rank, size, sum = 0;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int mine = rank + 1;
    MPI_Reduce(&mine, &sum, 1, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD);
    if (rank == 0) {
        const char *threads = getenv("OMP_NUM_THREADS");
        printf("ranks = %d\nrank_sum = %d\nthreads = %s\nx = %s\n", size, sum,
               threads ? threads : "0", argv[1]);
    }
    MPI_Finalize();
    return 0;
}
"""


@pytest.fixture
def mpi_program(tmp_path) -> Path:
    if shutil.which("mpicc") is None or shutil.which("mpirun") is None:
        pytest.skip("Open MPI missing (apt-get install openmpi-bin libopenmpi-dev)")
    source = tmp_path / "hello_mpi.c"
    source.write_text(MPI_PROGRAM)
    binary = tmp_path / "hello_mpi"
    subprocess.run(["mpicc", str(source), "-o", str(binary)], check=True)
    return binary


def _command_runner(program: Path, launcher: dict) -> dict:
    return {
        "type": "CommandRunner",
        "command": [str(program), "{x}"],
        "launcher": launcher,
        "outputs": [{"type": "key_value"}],
    }


@pytest.mark.slow
def test_mpirun_runs_a_real_mpi_program_on_the_declared_ranks(tmp_path, mpi_program):
    sampler = {"type": "RandomSampler", "parameters": ["x"], "bounds": [[0.0, 1.0]], "budget": 2}
    runner = _command_runner(mpi_program, {"type": "mpirun", "ranks": 2, "threads": 1})
    config = basic_config(tmp_path / "c", runner, sampler)
    config["executors"]["e1"]["max_workers"] = 1
    df = enchanted_surrogates.run(config)
    assert (df["status"] == "SUCCESS").all(), df["error"].tolist()
    assert (df["ranks"] == 2).all()
    assert (df["rank_sum"] == 3).all()  # 1 + 2: both ranks took part in the reduction
    assert (df["threads"] == 1).all()


@pytest.mark.slow
@pytest.mark.skipif(default_partition() is None, reason="no SLURM cluster reachable")
def test_srun_launches_the_ranks_inside_a_batch_job(tmp_path, mpi_program):
    sampler = {"type": "RandomSampler", "parameters": ["x"], "bounds": [[0.0, 1.0]], "budget": 1}
    # a plain program: srun itself starts the 2 tasks, each prints its SLURM_PROCID
    script = tmp_path / "task.sh"
    script.write_text('#!/bin/sh\necho "task_$SLURM_PROCID = $OMP_NUM_THREADS"\n')
    script.chmod(0o755)
    runner = {
        "type": "CommandRunner",
        "command": [str(script)],
        "launcher": {"type": "srun", "ranks": 2, "threads": 1},
        "outputs": [{"type": "key_value"}],
    }
    config = basic_config(tmp_path / "c", runner, sampler)
    config["executors"]["e1"] = {
        "type": "BatchExecutor",
        "sbatch_args": [f"--partition={default_partition()}"],  # --ntasks=2 from the launcher
        "poll_interval": 0.5,
        "poll_max": 2.0,
    }
    df = enchanted_surrogates.run(config)
    assert (df["status"] == "SUCCESS").all(), df["error"].tolist()
    assert df["task_0"].tolist() == [1] and df["task_1"].tolist() == [1]


@pytest.mark.slow
def test_the_local_executor_never_runs_more_declared_cores_than_it_has(tmp_path, mpi_program):
    """4 cores, runs of 2 ranks each: at most 2 runs (4 ranks) at once, though the pool has
    4 workers. Each rank counts the ranks alive when it starts (never more than are)."""
    config, seen = rank_counting_config(tmp_path)
    config["executors"]["e1"]["max_workers"] = 4
    df = enchanted_surrogates.run(config)
    assert (df["status"] == "SUCCESS").all(), df["error"].tolist()
    counts = rank_counts(seen)
    assert len(counts) == 12  # every rank of every run ran
    assert max(counts) <= 4
