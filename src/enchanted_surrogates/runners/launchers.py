"""How a CommandRunner's program is started on many cores: srun, mpirun or mpiexec.

A run declares the ranks, threads and GPUs it needs; the launcher turns that into the
launch command and its environment, so nobody hand-writes `mpirun -np` in a config.
"""

from __future__ import annotations

import os
import tempfile
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, NonNegativeInt, PositiveInt


class Launcher(BaseModel):
    """The `launcher` key of a CommandRunner entry."""

    model_config = ConfigDict(extra="forbid", title="Launcher")

    type: Literal["mpirun", "mpiexec", "srun"] = Field(
        description="The program that starts the ranks: mpirun/mpiexec (Open MPI, MPICH) or "
        "srun (inside a SLURM allocation, e.g. in a BatchExecutor job)."
    )
    ranks: PositiveInt = Field(default=1, description="MPI ranks (processes) per run.")
    threads: PositiveInt = Field(
        default=1, description="Threads per rank; sets OMP_NUM_THREADS (and srun's -c)."
    )
    gpus: NonNegativeInt = Field(default=0, description="GPUs per run (srun's --gpus).")
    args: list[str] = Field(
        default_factory=list, description="Extra options for the launcher, before the program."
    )

    @property
    def cores(self) -> int:
        """Cores one run occupies: what the executors pack runs by."""
        return self.ranks * self.threads

    def argv(self, program: list[str]) -> list[str]:
        """The launch command for `program` (already filled in for the run)."""
        if self.type == "srun":
            head = ["srun", f"--ntasks={self.ranks}", f"--cpus-per-task={self.threads}"]
            if self.gpus:
                head.append(f"--gpus={self.gpus}")
        else:
            head = [self.type, "-np", str(self.ranks)]
        return [*head, *self.args, *program]

    def session_dir(self) -> str | None:
        """A fresh, short folder for mpirun's session files: concurrent mpiruns of one
        user on one node otherwise can pick the same session directory and fail
        (`orte_session_dir failed`); the caller removes it when the run ends."""
        if self.type == "srun":
            return None
        return tempfile.mkdtemp(prefix="es-mpi-")

    def env(self, session_dir: str | None = None) -> dict[str, str]:
        """Variables the launched program needs: its threads, and what Open MPI demands to
        run as root (containers, CI) and on more ranks than a small machine has cores."""
        extra = {"OMP_NUM_THREADS": str(self.threads)}
        if session_dir is not None:  # Open MPI 4 (orte) and 5 (prte)
            extra["OMPI_MCA_orte_tmpdir_base"] = session_dir
            extra["PRTE_MCA_prte_tmpdir_base"] = session_dir
        if self.type != "srun" and os.geteuid() == 0:
            extra["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
            extra["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
        if self.type != "srun":
            extra.setdefault("OMPI_MCA_rmaps_base_oversubscribe", "1")
        return extra


def declared_cores(runner_kwargs: dict) -> int:
    """Cores one run of a runner entry declares (1 unless it has a launcher)."""
    launcher = runner_kwargs.get("launcher")
    if not isinstance(launcher, dict):
        return 1
    return int(launcher.get("ranks", 1)) * int(launcher.get("threads", 1))
