"""Is a SLURM cluster reachable here (scripts/start_slurm.sh), and what is on its queue."""

from __future__ import annotations

import shutil
import subprocess

import pytest


def default_partition() -> str | None:
    """The default partition of a reachable SLURM controller, or None."""
    if shutil.which("sinfo") is None or shutil.which("sbatch") is None:
        return None
    try:
        out = subprocess.run(
            ["sinfo", "-h", "-o", "%P %a"], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    partitions = [line.split() for line in out.stdout.splitlines() if line.strip()]
    up = [name for name, state in partitions if state == "up"]
    if out.returncode != 0 or not up:
        return None
    default = [name for name in up if name.endswith("*")]
    return (default or up)[0].rstrip("*")


def queued(name_prefix: str) -> dict[str, str]:
    """{job id: state} of the jobs whose name starts with `name_prefix`, still in squeue."""
    out = subprocess.run(
        ["squeue", "-h", "-t", "PD,R,CF,CG,S", "-o", "%i %T %j"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    jobs = [line.split() for line in out.splitlines() if line.strip()]
    return {job: state for job, state, name in jobs if name.startswith(name_prefix)}


def slurm_campaign_marks(partition: str | None) -> list[pytest.MarkDecorator]:
    """The marks of a whole-campaign test on the real SLURM: skipped where none answers."""
    reason = (
        "no SLURM cluster reachable (sinfo missing or failing); "
        "start one with scripts/start_slurm.sh (root)"
    )
    return [
        pytest.mark.integration,
        pytest.mark.slow,
        pytest.mark.skipif(partition is None, reason=reason),
    ]
