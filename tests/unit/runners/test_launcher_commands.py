"""The launch command and environment a declared ranks/threads/gpus request becomes."""

from __future__ import annotations

import os

from enchanted_surrogates.runners.launchers import Launcher, declared_cores


def test_mpirun_gets_the_ranks_and_the_threads_go_to_openmp():
    launcher = Launcher(type="mpirun", ranks=4, threads=2, args=["--bind-to", "core"])
    assert launcher.argv(["./gene", "in.nml"]) == [
        "mpirun", "-np", "4", "--bind-to", "core", "./gene", "in.nml"
    ]  # fmt: skip
    env = launcher.env()
    assert env["OMP_NUM_THREADS"] == "2"
    assert ("OMPI_ALLOW_RUN_AS_ROOT" in env) == (os.geteuid() == 0)
    assert launcher.cores == 8


def test_srun_gets_tasks_cpus_and_gpus_and_no_open_mpi_variables():
    launcher = Launcher(type="srun", ranks=8, threads=4, gpus=2)
    assert launcher.argv(["./code"]) == [
        "srun", "--ntasks=8", "--cpus-per-task=4", "--gpus=2", "./code"
    ]  # fmt: skip
    assert not any(name.startswith("OMPI_") for name in launcher.env())


def test_declared_cores_of_a_runner_entry():
    assert declared_cores({"command": ["x"]}) == 1
    assert declared_cores({"launcher": {"type": "mpirun", "ranks": 3, "threads": 2}}) == 6
