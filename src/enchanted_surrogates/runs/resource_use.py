"""What a campaign's runs used, summed from their rows: core-hours, CPU efficiency, memory.

Core-hours are CPU seconds (the run's whole process tree) over 3600. CPU efficiency is CPU
seconds over wall seconds: 100% is one core busy for the whole run, so a run of N busy
processes reaches N x 100%. Runs without a measurement (killed before they reported,
or from a journal written before the columns existed) are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CPU_PREFIX = "cpu_sec_"


@dataclass
class ResourceUse:
    runs: int = 0  # measured run stages
    cpu_sec: float = 0.0
    wall_sec: float = 0.0
    rss_mb_total: float = 0.0
    peak_rss_mb: float = 0.0

    def add_row(self, row: dict[str, Any]) -> None:
        """Count each runner's stage of a dataset row that carries a measurement."""
        for key, cpu in row.items():
            if not key.startswith(CPU_PREFIX) or not isinstance(cpu, (int, float)):
                continue
            name = key[len(CPU_PREFIX) :]
            self.runs += 1
            self.cpu_sec += cpu
            self.wall_sec += float(row.get(f"runtime_sec_{name}") or 0.0)
            rss = row.get(f"max_rss_mb_{name}")
            if isinstance(rss, (int, float)):
                self.rss_mb_total += rss
                self.peak_rss_mb = max(self.peak_rss_mb, rss)

    @property
    def core_hours(self) -> float:
        return self.cpu_sec / 3600

    @property
    def cpu_efficiency(self) -> float | None:
        return self.cpu_sec / self.wall_sec if self.wall_sec > 0 else None

    @property
    def mean_rss_mb(self) -> float | None:
        return self.rss_mb_total / self.runs if self.runs else None

    def summary(self) -> str:
        """One line for the log and `enchanted status`; empty when nothing was measured."""
        if not self.runs:
            return ""
        efficiency = self.cpu_efficiency
        eff = f"{efficiency:.0%}" if efficiency is not None else "-"
        return (
            f"resources: {self.core_hours:.3g} core-hours used by {self.runs} runs, "
            f"CPU efficiency {eff} (CPU/wall), memory per run {self.mean_rss_mb:.0f} MB mean, "
            f"{self.peak_rss_mb:.0f} MB peak"
        )
