"""What the batch jobs behind dask-jobqueue workers held, summed from their accounting.

A worker job holds its cores from start to end, busy or not, so its core-hours are
elapsed x cores: what the site charges. Its CPU efficiency is the scheduler's CPU time over
that (sacct), or, where SLURM keeps no CPU figures (no slurmdbd), the runs' own measured
CPU seconds over it: how much of the allocation went into runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class JobUse:
    jobs: int = 0
    held_core_sec: float = 0.0
    cpu_sec: float = 0.0  # the scheduler's CPU time, from jobs that sacct accounted
    cpu_jobs: int = 0
    peak_rss_mb: float = 0.0

    def add_event(self, event: dict[str, Any]) -> None:
        """Count one `worker_job_accounting` journal event."""
        self.jobs += 1
        elapsed, cores = event.get("elapsed_sec"), event.get("cores")
        if isinstance(elapsed, (int, float)) and isinstance(cores, (int, float)):
            self.held_core_sec += elapsed * cores
        if isinstance(event.get("cpu_sec"), (int, float)):
            self.cpu_sec += event["cpu_sec"]
            self.cpu_jobs += 1
        if isinstance(event.get("max_rss_mb"), (int, float)):
            self.peak_rss_mb = max(self.peak_rss_mb, event["max_rss_mb"])

    @property
    def core_hours(self) -> float:
        return self.held_core_sec / 3600

    def summary(self, runs_cpu_sec: float) -> str:
        """One line for the log and `enchanted status`; empty when no job was accounted."""
        if not self.jobs:
            return ""
        line = f"worker jobs: {self.jobs} batch jobs held {self.core_hours:.3g} core-hours"
        if self.held_core_sec <= 0:
            return line
        if self.cpu_jobs == self.jobs:
            line += f", CPU efficiency {self.cpu_sec / self.held_core_sec:.0%} (sacct)"
        else:
            line += f", runs used {runs_cpu_sec / self.held_core_sec:.0%} of them"
        if self.peak_rss_mb:
            line += f", MaxRSS {self.peak_rss_mb:.0f} MB peak"
        return line
