"""The one writer: turns each finished run into a journal event, a dataset row, progress."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from enchanted_surrogates.executors.job_use import JobUse
from enchanted_surrogates.journal import Journal
from enchanted_surrogates.runs.task import RunResult, Task
from enchanted_surrogates.supervisor.progress import Progress

if TYPE_CHECKING:
    # The dataset writers import pandas; `enchanted validate` reaches this module through
    # `supervisor.level` and needs none of them.
    from enchanted_surrogates.storage.datasets import Datasets

log = logging.getLogger("enchanted_surrogates.supervisor")


def result_row(task: Task, result: RunResult) -> dict[str, Any]:
    """The dataset row of a run: parameters, outputs (which win a name clash), bookkeeping."""
    name = task.runner.name
    row: dict[str, Any] = {**task.params, **result.outputs}
    row["success"] = result.success
    row["status"] = str(result.status)
    row["error"] = result.error
    row[f"success_{name}"] = result.success
    row[f"runtime_sec_{name}"] = round(result.runtime_sec, 6)
    row[f"cpu_sec_{name}"] = _rounded(result.cpu_sec, 3)
    row[f"max_rss_mb_{name}"] = _rounded(result.max_rss_mb, 1)
    row["run_dir"] = task.run_dir
    return row


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _identity(task: Task) -> dict[str, Any]:
    """Which run an event is about; replay keys chains by (level, index, parent)."""
    return {
        "run_id": task.run_id,
        "level": task.level,
        "stage": task.stage,
        "index": task.index,
        "parent": task.parent,
    }


class Recorder:
    def __init__(self, journal: Journal, dataset: Datasets, progress: Progress) -> None:
        self.journal = journal
        self.dataset = dataset
        self.progress = progress
        self.jobs = JobUse()  # dask-jobqueue worker jobs accounted so far

    def flush(self) -> None:
        """Called before the supervisor blocks: one write per wake-up, not one per event."""
        self.journal.flush()
        self.dataset.flush()

    def worker_jobs(self, events: list[tuple[str, dict[str, Any]]]) -> None:
        """Journal an executor's events about the batch jobs its workers run in."""
        for event, fields in events:
            self.journal.append(event, **fields)
            if event == "worker_job_accounting":
                self.jobs.add_event(fields)

    def _job_accounting(self, task: Task, result: RunResult) -> None:
        """The scheduler's accounting of the batch job that ran this attempt, if any."""
        if result.job_accounting:
            self.journal.append(
                "batch_job_accounting",
                run_id=task.run_id,
                attempt=task.attempt,
                **result.job_accounting,
            )

    def submitted(self, task: Task) -> None:
        self.journal.append(
            "submitted",
            **_identity(task),
            attempt=task.attempt,
            run_dir=task.run_dir,
            params=task.params,
        )

    def batch_job(self, task: Task, job: dict[str, Any]) -> None:
        """Journal the batch job of an attempt: --resume re-attaches to it, not resubmits."""
        self.journal.append("batch_job", run_id=task.run_id, attempt=task.attempt, **job)

    def retry(self, task: Task, result: RunResult) -> None:
        """Journal a failed attempt that will be run again (no dataset row)."""
        self._job_accounting(task, result)
        self.journal.append(
            "retry",
            **_identity(task),
            attempt=task.attempt,
            status=str(result.status),
            error=result.error,
        )
        log.warning(
            "run %s attempt %d %s: %s; trying again",
            task.run_id,
            task.attempt,
            result.status,
            result.error,
        )

    def stage_done(
        self, task: Task, result: RunResult, final: bool, extra: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Journal one finished stage; a chain's final row also goes to dataset and progress."""
        self._job_accounting(task, result)
        for note in result.notes:
            log.warning("run %s: %s", task.run_id, note, extra={"run_note": True})
        row = result_row(task, result)
        if extra:
            row.update(extra)
        event = "finished" if result.success else "failed"
        self.journal.append(event, **_identity(task), final=final, row=row)
        if not final:
            self.progress.stage_finished()
            return row
        self.progress.resources.add_row(row)  # a final row holds each stage of its chain once
        self.dataset.append(row)
        if not result.success:
            detail = f"run_dir: {task.run_dir}\nparams: {task.params}\n{result.traceback}"
            log.warning(
                "run %s %s: %s",
                task.run_id,
                result.status,
                result.error,
                extra={"detail": detail.rstrip(), "failure": True},
            )
        self.progress.update(result.success)
        return row
