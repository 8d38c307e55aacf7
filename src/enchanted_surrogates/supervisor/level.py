"""Run one level of a campaign: ask the sampler, run each point's chain of stages, tell.

A level's unit of work is a *chain*: one sampled point, merged into one parent row of
the previous level (`{**parent_row, **point}`), run through the level's stages in order.
A stage's row is the next stage's params, so outputs flow down the chain; the chain ends
at its last stage or at its first failure (unless `sequential_failed_stages: continue`),
and only then becomes a dataset row.

`async` keeps every worker busy: whenever slots are free it asks the sampler for points
and submits their chains' first stages, and submits a chain's next stage the moment the
previous one finishes (pipelined, no batch barrier). `batch` asks a whole batch, waits
for all its chains, then tells. The loop blocks on the completion stream; it never sleeps.
"""

from __future__ import annotations

import logging
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from enchanted_surrogates.config.spec import LevelSpec
from enchanted_surrogates.executors.base import Executor
from enchanted_surrogates.executors.completion import CompletionStream
from enchanted_surrogates.journal.compact_history import unended_points
from enchanted_surrogates.journal.replay import LevelHistory
from enchanted_surrogates.runs.status import Status
from enchanted_surrogates.runs.task import RunResult, Task
from enchanted_surrogates.storage.disk_full import DiskFull
from enchanted_surrogates.supervisor.chain import Chain, FinishedChain, run_name
from enchanted_surrogates.supervisor.inheritance import Inheritance, next_stage_params
from enchanted_surrogates.supervisor.level_context import CampaignContext
from enchanted_surrogates.supervisor.level_setup import resolve_mode, runner_spec
from enchanted_surrogates.supervisor.policies import CampaignAborted

log = logging.getLogger("enchanted_surrogates.supervisor")


class LevelRunner:
    def __init__(
        self,
        context: CampaignContext,
        level: LevelSpec,
        sampler: Any,
        executors: list[Executor],
        parents: list[dict[str, Any]],
        history: LevelHistory | None = None,
        last_level: bool = True,
    ) -> None:
        supervisor = context.supervisor
        secrets, files, keep_rows = context.secrets, context.files, context.nested
        self.level = level
        self.sampler = sampler
        self.executors = executors
        self.recorder = context.recorder
        for executor in executors:
            executor.on_job(context.recorder.batch_job)
        self.data_dir = context.data_dir
        self.parents = parents
        self.inheritance = Inheritance(
            [name for entry in supervisor.run_order for name in entry.runners],
            prefixed=supervisor.nested_parent_columns == "prefixed",
        )
        self.tag_level = context.nested
        self.runners = [runner_spec(level, s, secrets) for s in range(len(level.runners))]
        self.retries = [
            entry.limits.retries if entry.limits.retries is not None else supervisor.retries
            for entry in level.runners
        ]
        self.retry_on = [
            set(entry.limits.retry_on or supervisor.retry_on) for entry in level.runners
        ]
        self.policy = context.policy
        self.mode = resolve_mode(level, sampler)
        history = history or LevelHistory()
        self.history = history
        own_batch = int(getattr(sampler, "batch_size", None) or sampler.budget or 1)
        self.batch_size = own_batch
        # run directory names keep the batch size the level first ran with
        self.naming_batch = history.batch_size or own_batch
        self.asked = history.asked()
        self.stream = CompletionStream()
        self.files = files
        self.last_level = last_level
        self.include_failed = supervisor.nested_failed_parents == "include"
        self.continue_failed = supervisor.sequential_failed_stages == "continue"
        # rows are kept only where a next level fans out of them or last_complete needs them
        self.keep_rows = keep_rows
        self.finished = (
            [FinishedChain(i, p, row) for (i, p), row in history.ended.items()] if keep_rows else []
        )
        self._chains: dict[str, Chain] = {}
        self._backlog = self._pending_work()
        self._backlog_done = False
        self.rows_ended = len(history.ended)
        self._open_by_parent: Counter[int] = Counter()
        self._released: set[int] = set()
        # entries made while restoring belong to a refit the journal already explains
        self._history_seen = len(getattr(sampler, "history", None) or [])

    @property
    def planned_chains(self) -> int:
        return max(int(self.sampler.budget), self.asked) * len(self.parents)

    def _pending_work(self) -> Iterator[tuple[Chain, int, dict[str, Any]]]:
        """Work an earlier run left: open chains first, then pairs never started
        (points asked before, on parents that are new or were never reached)."""
        history = self.history
        for key in sorted(history.open):
            chain = history.open[key]
            if chain.parent < len(self.parents):
                yield Chain(chain.index, chain.parent, chain.attempt), chain.stage, chain.params
        for index in unended_points(history.points):
            for parent_index, parent in enumerate(self.parents):
                key = (index, parent_index)
                if key not in history.ended and key not in history.open:
                    params = self.inheritance.child_params(parent, history.points[index])
                    yield Chain(index, parent_index), 0, params

    def _start_backlog(self, limit: int | None) -> int:
        started = 0
        while limit is None or started < limit:
            item = next(self._backlog, None)
            if item is None:
                self._backlog_done = True
                break
            chain, stage, params = item
            log.debug(
                "resume: run %s (point %d, parent %d, stage %d) was not finished; running it again",
                self._run_dir(chain.index, chain.parent, stage).name,
                chain.index,
                chain.parent,
                stage,
            )
            self._open_by_parent[chain.parent] += 1
            self._submit(chain, stage, params, clean=True)
            started += 1
        return started

    def run(self) -> list[FinishedChain]:
        """Run the level to its budget; return its rows in (point, parent) order."""
        log.info(
            "level %d: %s mode, sampler %s, %d parent row(s), stages %s",
            self.level.index,
            self.mode,
            self.level.sampler.name,
            len(self.parents),
            " -> ".join(
                f"{r.name}@{e.name}" for r, e in zip(self.level.runners, self.level.executors)
            ),
        )
        self.recorder.journal.append(
            "level_started",
            level=self.level.index,
            batch_size=self.naming_batch,
            parent_dirs=[parent.get("run_dir") for parent in self.parents],
            mode=self.mode,
            planned=self.planned_chains,
            stages=[runner.name for runner in self.runners],
            slots=[executor.worker_slots() for executor in self.executors],
        )
        if self.parents:
            if self.mode == "batch":
                self._run_batches()
            else:
                self._run_async()
        for parent_index in range(len(self.parents)):
            self._release_parent(parent_index)
        return sorted(self.finished, key=lambda f: (f.index, f.parent))

    # --- run directories -----------------------------------------------------------------
    def _run_dir(self, index: int, parent: int, stage: int) -> Path:
        batch, position = divmod(index, self.naming_batch)
        sample = parent * self.naming_batch + position
        return self.data_dir / run_name(self.level.index, batch, sample, stage)

    def _prune(self, run_dir: str | Path | None) -> None:
        """Apply save_files to a run dir nobody will read any more (never outside data/)."""
        if self.files is None or self.files.save == "all" or not run_dir:
            return
        path = Path(run_dir)
        if path.parent == self.data_dir:
            self.files.prune(path)

    def _release_parent(self, parent_index: int) -> None:
        if parent_index not in self._released:
            self._released.add(parent_index)
            self._prune(self.parents[parent_index].get("run_dir"))

    def _chain_ended(self, parent_index: int) -> None:
        """A parent's files may go once none of its chains is open and none can start."""
        self._open_by_parent[parent_index] -= 1
        exhausted = self._backlog_done and self._remaining() == 0
        if exhausted and self._open_by_parent[parent_index] <= 0:
            self._release_parent(parent_index)

    # --- the sampler ------------------------------------------------------------------
    def _remaining(self) -> int:
        return max(0, int(self.sampler.budget) - self.asked)

    def _ask(self, n: int) -> list[dict]:
        """Ask for up to n points; clip anything beyond the budget (legacy samplers overshoot)."""
        n = min(n, self._remaining())
        if n <= 0:
            return []
        if hasattr(self.sampler, "ask"):
            points = self.sampler.ask(n)
        else:
            points = self.sampler.get_next_samples()
        self._record_model_history()
        return list(points)[: self._remaining()]

    def _tell(self, rows: list[dict]) -> None:
        if hasattr(self.sampler, "tell"):
            self.sampler.tell(rows)
        else:
            import pandas as pd

            self.sampler.register_future(pd.DataFrame(rows))

    def _record_model_history(self) -> None:
        """Journal the model-quality entries an adaptive sampler added (for plots); log the
        full refits. The sampler only keeps them in `history`: the supervisor stays the one
        writer."""
        history = getattr(self.sampler, "history", None)
        if not isinstance(history, list):
            return
        for entry in history[self._history_seen :]:
            self.recorder.journal.append("sampler_history", level=self.level.index, **entry)
            log.log(
                logging.INFO if entry.get("fit") == "full" else logging.DEBUG,
                "level %d sampler model: %s",
                self.level.index,
                ", ".join(f"{key}={_short(value)}" for key, value in entry.items()),
            )
        self._history_seen = len(history)

    # --- chains -----------------------------------------------------------------------
    def _start(self, points: list[dict]) -> None:
        """Submit the first stage of every chain of these points (each point x each parent)."""
        for point in points:
            index = self.asked
            self.asked += 1
            self.recorder.journal.append("asked", level=self.level.index, index=index, point=point)
            for parent_index, parent in enumerate(self.parents):
                self._open_by_parent[parent_index] += 1
                params = self.inheritance.child_params(parent, point)
                self._submit(Chain(index, parent_index), 0, params)

    def _submit(
        self, chain: Chain, stage: int, params: dict[str, Any], clean: bool = False
    ) -> None:
        run_dir = self._run_dir(chain.index, chain.parent, stage)
        name = run_dir.name
        executor = self.executors[stage]
        if clean and not executor.reattaches(str(run_dir), chain.attempt):
            shutil.rmtree(run_dir, ignore_errors=True)  # a run cut short by the last stop
        last_stage = stage == len(self.runners) - 1
        task = Task(
            run_id=name,
            run_dir=str(run_dir),
            params=params,
            runner=self.runners[stage],
            level=self.level.index,
            stage=stage,
            index=chain.index,
            parent=chain.parent,
            attempt=chain.attempt,
            write_datapoint=self.files.writes_datapoint if self.files else True,
            files=self.files,
            read_later_if_success=not (last_stage and self.last_level),
            # a failure ends the chain unless stages continue; with `include` its row is a
            # parent too
            read_later_if_failure=(not last_stage and self.continue_failed)
            or (not self.last_level and self.include_failed),
        )
        self._chains[name] = chain
        self.recorder.submitted(task)
        if log.isEnabledFor(logging.DEBUG):
            log.debug("submit %s attempt %d: %s", name, chain.attempt, _short(params))
        self.stream.submit(executor, task)

    def _advance(self, task: Task, result: RunResult) -> dict[str, Any] | None:
        """Record a finished stage; retry it, submit the next one, or return the chain's
        final row. Raises CampaignAborted when a failure policy (or the runner) says so,
        and DiskFull for a run that failed for want of space (resume redoes it)."""
        if result.disk_full:
            raise DiskFull(task.run_dir, f"run {task.run_id}: {result.error}")
        chain = self._chains.pop(task.run_id)
        stage = task.stage
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "finished %s: %s in %.3g s%s",
                task.run_id,
                result.status,
                result.runtime_sec or 0.0,
                f" ({result.error})" if result.error else "",
            )
        if self._should_retry(task, result):
            self.recorder.retry(task, result)
            chain.attempt += 1
            self._submit(chain, stage, task.params, clean=True)  # a fresh start, as on resume
            return None
        last = stage == len(self.runners) - 1
        final = last or (not result.success and not self.continue_failed)
        extra = {"level": self.level.index} if self.tag_level else {}
        if self.retries[stage]:
            extra[f"attempts_{task.runner.name}"] = task.attempt
        row = self.recorder.stage_done(task, result, final=final, extra=extra)
        if stage > 0:  # the previous stage's files were kept for this one to read
            self._prune(self._run_dir(chain.index, chain.parent, stage - 1))
        if result.status is Status.CRASHED and not task.read_later_if_failure:
            self._prune(task.run_dir)  # its worker died before it could apply save_files
        if not final:
            self._submit(Chain(chain.index, chain.parent), stage + 1, next_stage_params(row))
            return None
        if self.keep_rows:
            self.finished.append(FinishedChain(chain.index, chain.parent, row))
        self.rows_ended += 1
        self._chain_ended(chain.parent)
        if result.abort:
            raise CampaignAborted(f"run {task.run_id} asked to stop the campaign: {result.error}")
        self.policy.observe(result.success, result.error)
        return row

    def _should_retry(self, task: Task, result: RunResult) -> bool:
        return (
            not result.success
            and not result.abort
            and str(result.status) in self.retry_on[task.stage]
            and task.attempt <= self.retries[task.stage]
        )

    def _next_row(self) -> dict[str, Any] | None:
        task, result = self.stream.next(self._before_wait)
        return self._advance(task, result)

    def _before_wait(self) -> None:
        for executor in set(self.executors):
            self.recorder.worker_jobs(executor.job_events())
        self.recorder.flush()

    # --- modes ------------------------------------------------------------------------
    def _run_async(self) -> None:
        learns = getattr(self.sampler, "learns_from_results", False)
        first = self.executors[0]
        # A sampler that prefers async gets one point queued per worker: it chooses the
        # next point while the workers run, so a slow ask (a model refit) idles nobody,
        # at the price of choosing with the results of the last `workers` runs missing.
        lookahead = getattr(self.sampler, "prefers_async", False)
        while True:
            if lookahead:
                free = max(0, 2 * first.worker_slots() - first.inflight)
            else:
                free = first.capacity(eager=not learns)
            if free > 0:
                free -= self._start_backlog(free)
            if free > 0 and self._remaining() > 0:
                points_wanted = max(1, -(-free // len(self.parents)))
                self._start(self._ask(points_wanted))
            if not len(self.stream):
                return
            row = self._next_row()
            if row is not None:
                self._tell([row])
            while not learns and (found := self.stream.next_ready()) is not None:
                row = self._advance(*found)
                if row is not None:
                    self._tell([row])

    def _run_batches(self) -> None:
        self._start_backlog(None)
        rows = []
        while len(self.stream):
            row = self._next_row()
            if row is not None:
                rows.append(row)
        if rows:
            self._tell(rows)
        while self._remaining() > 0:
            points = self._ask(self.batch_size)
            if not points:
                return
            self._start(points)
            rows = []
            while len(self.stream):
                row = self._next_row()
                if row is not None:
                    rows.append(row)
            self._tell(rows)

    def cancel(self) -> None:
        for executor in self.executors:
            executor.cancel_all()


def _short(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)
