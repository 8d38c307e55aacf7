"""How `enchanted status` looks in a terminal: one table per campaign, then the failures."""

from __future__ import annotations

import time

from rich.console import Group
from rich.table import Table
from rich.text import Text

from enchanted_surrogates.cli.campaign_status import CampaignStatus


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h{rest // 60:02d}m" if hours else f"{rest // 60}m{rest % 60:02d}s"


def _driver(status: CampaignStatus) -> str:
    if status.driver_pid is not None:
        return f"{status.state}, driven by pid {status.driver_pid}"
    if status.state in ("running", "finished", "not started"):
        return status.state
    return f"{status.state}, no process driving it (continue: enchanted run CONFIG --resume)"


def render(status: CampaignStatus) -> Group:
    """A rich renderable: header, levels and stages, failures."""
    rate = f"{status.success_rate:.1%}" if status.success_rate is not None else "-"
    speed = f"{status.rows_per_hour:.0f} rows/h" if status.rows_per_hour else "-"
    header = Text.assemble(
        (f"{status.base_run_dir}: ", "bold"),
        _driver(status),
        f"\n{status.rows}/{status.planned or '?'} rows, {status.succeeded} succeeded, "
        f"{status.failed} failed, {status.running} running, {status.queued} queued; "
        f"success rate {rate}; "
        f"{speed}; ETA {_duration(status.eta_sec)}",
    )
    table = Table(box=None, pad_edge=False)
    for column in ("level", "stage", "runner", "done", "failed", "running", "queued", "rows/total"):
        table.add_column(column, justify="left" if column == "runner" else "right")
    for level in status.levels:
        planned = max(level.planned, level.rows) if level.planned else "?"
        total = f"{level.rows}/{planned}" + (" done" if level.finished else "")
        for index, stage in enumerate(level.stages):
            table.add_row(
                str(level.level),
                str(index),
                stage.runner,
                str(stage.done),
                str(stage.failed),
                str(stage.running),
                str(stage.queued),
                total if index == 0 else "",
            )
    parts: list = [header, table]
    if status.resources.runs:
        parts.append(Text(status.resources.summary()))
    if status.jobs.jobs:
        parts.append(Text(status.jobs.summary(status.resources.cpu_sec)))
    if status.failures_by_status:
        counts = ", ".join(f"{name} {n}" for name, n in status.failures_by_status.items())
        lines = [f"failures: {counts}"]
        lines += [f"  {n} x {message}" for message, n in status.common_errors]
        parts.append(Text("\n".join(lines)))
    parts.append(Text(time.strftime("as of %H:%M:%S", time.localtime()), style="dim"))
    return Group(*parts)
