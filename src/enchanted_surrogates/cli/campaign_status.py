"""`enchanted status`: how far a campaign is, read from its journal alone.

Safe while the campaign runs: the journal is only read (a torn last line is skipped),
and whether the driving process is alive comes from its lock, not from a pid guess.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from enchanted_surrogates.executors.job_use import JobUse
from enchanted_surrogates.journal import JOURNAL_FILE
from enchanted_surrogates.journal.checkpoint import catch_up
from enchanted_surrogates.runs.resource_use import ResourceUse
from enchanted_surrogates.supervisor.lock import driver_pid

STOPPED = {
    "interrupted": "interrupted",
    "aborted": "aborted",
    "failed_campaign": "failed",
    "campaign_finished": "finished",
}


@dataclass
class StageStatus:
    runner: str = ""
    done: int = 0
    succeeded: int = 0
    failed: int = 0
    running: int = 0
    queued: int = 0  # submitted, waiting for a free worker
    slots: int | None = None  # workers of the stage's executor, as journaled


@dataclass
class LevelStatus:
    level: int
    planned: int = 0  # chains (rows) this level will produce
    rows: int = 0  # chains ended: dataset rows
    succeeded: int = 0
    running: int = 0
    queued: int = 0
    finished: bool = False
    stages: list[StageStatus] = field(default_factory=list)

    def stage(self, index: int) -> StageStatus:
        while len(self.stages) <= index:
            self.stages.append(StageStatus())
        return self.stages[index]


@dataclass
class CampaignStatus:
    base_run_dir: str
    state: str = "not started"  # running | finished | interrupted | aborted | failed | stopped
    driver_pid: int | None = None
    events: int = 0  # journal lines read: the counts below are as of that line
    rows: int = 0
    succeeded: int = 0
    failed: int = 0
    planned: int = 0
    running: int = 0
    queued: int = 0
    success_rate: float | None = None
    failures_by_status: dict[str, int] = field(default_factory=dict)
    common_errors: list[tuple[str, int]] = field(default_factory=list)
    rows_per_hour: float | None = None
    eta_sec: float | None = None
    started_at: float | None = None
    last_event_at: float | None = None
    levels: list[LevelStatus] = field(default_factory=list)
    resources: ResourceUse = field(default_factory=ResourceUse)
    jobs: JobUse = field(default_factory=JobUse)  # dask-jobqueue worker jobs

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


STATUS_KEY = "status"


class StatusReducer:
    """Folds journal events into the counts `campaign_status` reports; its state can be
    checkpointed (journal_checkpoint), so a large journal is not decoded again."""

    def __init__(self, state: dict[str, Any] | None = None) -> None:
        self.events = 0
        self.state = "not started"
        self.started_at: float | None = None
        self.last_event_at: float | None = None
        self.resources = ResourceUse()
        self.jobs = JobUse()
        self.levels: dict[int, LevelStatus] = {}
        self.open_runs: dict[str, tuple[int, int]] = {}
        self.errors: Counter[str] = Counter()
        self.by_status: Counter[str] = Counter()
        self.session_start: float | None = None
        self.session_rows = 0
        if state is not None:
            self._load(state)

    def _level(self, index: int) -> LevelStatus:
        return self.levels.setdefault(index, LevelStatus(index))

    def apply(self, event: dict[str, Any]) -> None:
        self.events += 1
        kind, t = event["event"], event.get("t")
        self.last_event_at = t
        if kind in ("campaign_started", "campaign_resumed"):
            self.started_at = self.started_at or t
            self.session_start, self.session_rows = t, 0
            self.state = "running"
            self.open_runs.clear()  # runs of an earlier process are not running any more
        elif kind in STOPPED:
            self.state = STOPPED[kind]
            self.open_runs.clear()
        elif kind == "level_started":
            level = self._level(event["level"])
            level.planned = max(level.planned, int(event.get("planned", 0)))
            for index, runner in enumerate(event.get("stages", [])):
                level.stage(index).runner = runner
            for index, slots in enumerate(event.get("slots", [])):
                level.stage(index).slots = slots
        elif kind == "level_finished":
            self._level(event["level"]).finished = True
        elif kind == "worker_job_accounting":
            self.jobs.add_event(event)
        elif kind == "submitted":
            self.open_runs[event["run_id"]] = (event["level"], event["stage"])
        elif kind == "reopened":  # --retry-failed: the failed row no longer counts
            self._level(event["level"]).rows -= 1
            self.by_status[str(event.get("status", "FAILED"))] -= 1
            self.errors[_first_line(event.get("error"))] -= 1
        elif kind in ("finished", "failed", "retry"):
            self.open_runs.pop(event["run_id"], None)
            if kind == "retry":
                return
            level = self._level(event["level"])
            stage = level.stage(event["stage"])
            ok = kind == "finished"
            stage.done += 1
            stage.succeeded += ok
            stage.failed += not ok
            if event.get("final"):
                self.resources.add_row(event.get("row") or {})  # each stage of it once
                level.rows += 1
                level.succeeded += ok
                self.session_rows += 1
                if not ok:
                    row = event.get("row") or {}
                    self.by_status[str(row.get("status", "FAILED"))] += 1
                    self.errors[_first_line(row.get("error"))] += 1

    def dump(self) -> dict[str, Any]:
        return {
            "events": self.events,
            "state": self.state,
            "started_at": self.started_at,
            "last_event_at": self.last_event_at,
            "resources": asdict(self.resources),
            "jobs": asdict(self.jobs),
            "levels": [asdict(level) for level in self.levels.values()],
            "open_runs": [[run_id, *where] for run_id, where in self.open_runs.items()],
            "errors": list(self.errors.items()),
            "by_status": list(self.by_status.items()),
            "session_start": self.session_start,
            "session_rows": self.session_rows,
        }

    def _load(self, state: dict[str, Any]) -> None:
        self.events = int(state["events"])
        self.state = str(state["state"])
        self.started_at = state["started_at"]
        self.last_event_at = state["last_event_at"]
        self.resources = ResourceUse(**state["resources"])
        self.jobs = JobUse(**state.get("jobs", {}))
        for saved in state["levels"]:
            stages = [StageStatus(**stage) for stage in saved["stages"]]
            level = LevelStatus(**{**saved, "stages": stages})
            self.levels[level.level] = level
        self.open_runs = {run_id: (level, stage) for run_id, level, stage in state["open_runs"]}
        self.errors = Counter(dict(state["errors"]))
        self.by_status = Counter(dict(state["by_status"]))
        self.session_start = state["session_start"]
        self.session_rows = int(state["session_rows"])


def campaign_status(base: str | Path, now: float | None = None) -> CampaignStatus:
    """Counts per level and stage, failures and their causes, speed and ETA."""
    base = Path(base)
    status = CampaignStatus(str(base))
    journal = base / JOURNAL_FILE
    if journal.exists():
        counts = catch_up(journal, {STATUS_KEY: StatusReducer})[STATUS_KEY]
        assert isinstance(counts, StatusReducer)
    else:
        counts = StatusReducer()
    status.events = counts.events
    status.state = counts.state
    status.started_at = counts.started_at
    status.last_event_at = counts.last_event_at
    status.resources = counts.resources
    status.jobs = counts.jobs
    levels = counts.levels
    open_by_stage: Counter[tuple[int, int]] = Counter(counts.open_runs.values())
    for (level_index, stage_index), n_open in open_by_stage.items():
        # the journal says which runs were handed out; no more than the executor's workers
        # can be executing them, the rest wait in its queue
        level = levels.setdefault(level_index, LevelStatus(level_index))
        stage = level.stage(stage_index)
        stage.running = n_open if stage.slots is None else min(n_open, stage.slots)
        stage.queued = n_open - stage.running
        level.running += stage.running
        level.queued += stage.queued
    status.levels = [levels[i] for i in sorted(levels)]
    status.rows = sum(level.rows for level in status.levels)
    status.succeeded = sum(level.succeeded for level in status.levels)
    status.failed = status.rows - status.succeeded
    status.planned = sum(max(level.planned, level.rows) for level in status.levels)
    status.running = sum(level.running for level in status.levels)
    status.queued = sum(level.queued for level in status.levels)
    status.success_rate = status.succeeded / status.rows if status.rows else None
    status.failures_by_status = dict((+counts.by_status).most_common())
    status.common_errors = (+counts.errors).most_common(5)
    status.driver_pid = driver_pid(base)
    if status.state == "running" and status.driver_pid is None:
        status.state = "stopped"  # killed without a trace: resume it
    now = time.time() if now is None else now
    session_start, session_rows = counts.session_start, counts.session_rows
    if session_start is not None and session_rows:
        end = now if status.state == "running" else (status.last_event_at or now)
        elapsed = max(end - session_start, 1e-9)
        status.rows_per_hour = session_rows / elapsed * 3600
        remaining = max(status.planned - status.rows, 0)
        if status.state == "running":
            status.eta_sec = remaining / (session_rows / elapsed)
    return status


def _first_line(error: Any) -> str:
    text = str(error or "").strip()
    return text.splitlines()[0][:200] if text else "(no message)"
