"""Run one level of a campaign: ask the sampler, submit, record, tell — event-driven.

`async` keeps every worker busy: whenever slots are free it asks the sampler for exactly
that many points (plus a small queue for samplers that do not learn, so no worker idles
between runs) and tells it each result as it arrives. `batch` asks a whole batch, waits
for all of it, then tells. The loop blocks on the completion stream; it never sleeps.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

from enchanted_surrogates.config.spec import LevelSpec
from enchanted_surrogates.executors.base import Executor
from enchanted_surrogates.executors.completion import CompletionStream
from enchanted_surrogates.samplers.base import is_legacy
from enchanted_surrogates.supervisor.recorder import Recorder
from enchanted_surrogates.task import RunnerSpec, Task

log = logging.getLogger("enchanted_surrogates.supervisor")


def run_name(depth: int, batch: int, sample: int, stage: int) -> str:
    """Run directory name, unchanged from the original: d{depth}_b{batch}_s{sample}_r{stage}."""
    return f"d{depth}_b{batch}_s{sample}_r{stage}"


def runner_spec(level: LevelSpec, stage: int) -> RunnerSpec:
    entry = level.runners[stage]
    digest = hashlib.sha1(
        json.dumps(
            [entry.cls.__module__, entry.cls.__qualname__, entry.options],
            sort_keys=True,
            default=str,
        ).encode()
    ).hexdigest()[:16]
    return RunnerSpec(name=entry.name, cls=entry.cls, kwargs=dict(entry.options), key=digest)


def resolve_mode(level: LevelSpec, sampler: Any) -> str:
    """`auto` means async unless the sampler learns from results (or predates ask/tell)."""
    if level.mode != "auto":
        return level.mode
    learns = getattr(sampler, "learns_from_results", False) or is_legacy(sampler)
    return "batch" if learns else "async"


class LevelRunner:
    def __init__(
        self,
        level: LevelSpec,
        sampler: Any,
        executor: Executor,
        recorder: Recorder,
        data_dir: Path,
    ) -> None:
        self.level = level
        self.sampler = sampler
        self.executor = executor
        self.recorder = recorder
        self.data_dir = data_dir
        self.runner = runner_spec(level, 0)
        self.mode = resolve_mode(level, sampler)
        self.batch_size = int(getattr(sampler, "batch_size", None) or sampler.budget)
        self.asked = 0
        self.stream = CompletionStream()

    def run(self) -> None:
        log.info(
            "level %d: %s mode, sampler %s, runner %s, executor %s",
            self.level.index,
            self.mode,
            self.level.sampler.name,
            self.level.runners[0].name,
            self.level.executors[0].name,
        )
        if self.mode == "batch":
            self._run_batches()
        else:
            self._run_async()

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
        return list(points)[: self._remaining()]

    def _tell(self, rows: list[dict]) -> None:
        if hasattr(self.sampler, "tell"):
            self.sampler.tell(rows)
        else:
            import pandas as pd

            self.sampler.register_future(pd.DataFrame(rows))

    def _submit(self, points: list[dict]) -> None:
        for point in points:
            index = self.asked
            self.asked += 1
            name = run_name(self.level.index, index // self.batch_size, index % self.batch_size, 0)
            self.recorder.journal.append("asked", level=self.level.index, index=index, point=point)
            task = Task(
                run_id=name,
                run_dir=str(self.data_dir / name),
                params=point,
                runner=self.runner,
                level=self.level.index,
            )
            self.recorder.submitted(task)
            self.stream.submit(self.executor, task)

    def _run_async(self) -> None:
        eager = not getattr(self.sampler, "learns_from_results", False)
        while True:
            free = self.executor.capacity(eager=eager)
            if free > 0 and self._remaining() > 0:
                self._submit(self._ask(free))
            if not len(self.stream):
                return
            task, result = self.stream.next(self.recorder.flush)
            self._tell([self.recorder.finished(task, result)])
            while eager and self.stream.ready():
                task, result = self.stream.next()
                self._tell([self.recorder.finished(task, result)])

    def _run_batches(self) -> None:
        while self._remaining() > 0:
            points = self._ask(self.batch_size)
            if not points:
                return
            self._submit(points)
            rows = []
            while len(self.stream):
                task, result = self.stream.next(self.recorder.flush)
                rows.append(self.recorder.finished(task, result))
            self._tell(rows)

    def cancel(self) -> None:
        self.executor.cancel_all()
