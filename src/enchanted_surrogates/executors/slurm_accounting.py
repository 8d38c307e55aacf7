"""What SLURM says a finished batch job used: elapsed time, CPU time, MaxRSS and state.

`sacct` answers only where the site runs slurmdbd. Without it SLURM keeps no CPU or
memory figures for a finished job, so `scontrol show job` gives the elapsed time and the
state (`source: scontrol`) and the run's own measurement (cpu_sec, max_rss_mb, taken
inside the job) stands in for the rest.
"""

from __future__ import annotations

from typing import Any

from enchanted_surrogates.executors.scheduler import SchedulerError, run

_SACCT_FIELDS = "JobID,State,ElapsedRaw,TotalCPU,MaxRSS"
_RSS_UNITS = {"K": 1 / 1024, "M": 1.0, "G": 1024.0, "T": 1024.0 * 1024}


def slurm_seconds(text: str) -> float | None:
    """`[D-]HH:MM:SS[.mmm]` or `MM:SS.mmm` (sacct, scontrol) in seconds."""
    text = text.strip()
    if not text or text in {"INVALID", "UNLIMITED", "Unknown"}:
        return None
    days, _, clock = text.rpartition("-")
    try:
        parts = [float(part) for part in clock.split(":")]
        seconds = sum(part * 60**power for power, part in enumerate(reversed(parts)))
        return seconds + (int(days) * 86400 if days else 0)
    except ValueError:
        return None


def rss_mb(text: str) -> float | None:
    """sacct's MaxRSS (`123456K`, `1.5G`, plain bytes) in megabytes."""
    text = text.strip()
    if not text:
        return None
    unit = _RSS_UNITS.get(text[-1].upper())
    try:
        return float(text[:-1]) * unit if unit else float(text) / (1024 * 1024)
    except ValueError:
        return None


def _from_sacct(job_id: str) -> dict[str, Any] | None:
    done = run(["sacct", "-j", job_id, "-n", "-P", "-o", _SACCT_FIELDS])
    lines = [line.split("|") for line in done.stdout.splitlines() if line.count("|") == 4]
    main = [parts for parts in lines if parts[0] == job_id]
    if done.returncode != 0 or not main:
        return None
    _, state, elapsed, total_cpu, _ = main[0]
    peaks = [mb for mb in (rss_mb(parts[4]) for parts in lines) if mb is not None]
    return {
        "source": "sacct",
        "state": state.split()[0],
        "elapsed_sec": float(elapsed) if elapsed.isdigit() else None,
        "cpu_sec": slurm_seconds(total_cpu),
        "max_rss_mb": max(peaks) if peaks else None,
    }


def _from_scontrol(job_id: str) -> dict[str, Any] | None:
    done = run(["scontrol", "show", "job", "-o", job_id])
    if done.returncode != 0:
        return None
    fields = dict(item.split("=", 1) for item in done.stdout.split() if "=" in item)
    return {
        "source": "scontrol",
        "state": fields.get("JobState"),
        "elapsed_sec": slurm_seconds(fields.get("RunTime", "")),
    }


def job_accounting(job_id: str) -> dict[str, Any]:
    """The scheduler's accounting of a finished job; `{}` when SLURM has forgotten it."""
    try:
        found = _from_sacct(job_id) or _from_scontrol(job_id)
    except SchedulerError:
        return {}
    return {"job_id": job_id, **found} if found else {}
