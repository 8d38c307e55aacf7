"""A campaign: prepare the base run dir, run every level, leave the dataset behind."""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pandas as pd

from enchanted_surrogates import __version__
from enchanted_surrogates.config.spec import CampaignSpec
from enchanted_surrogates.executors.base import Executor
from enchanted_surrogates.journal import JOURNAL_FILE, Journal
from enchanted_surrogates.logging_setup import setup_logging, teardown_logging
from enchanted_surrogates.progress import PROGRESS_FILE, Progress
from enchanted_surrogates.storage.columns import ColumnOrder
from enchanted_surrogates.storage.csv_dataset import DATASET_FILE, CsvDataset
from enchanted_surrogates.supervisor.level import FinishedChain, LevelRunner
from enchanted_surrogates.supervisor.recorder import Recorder

log = logging.getLogger("enchanted_surrogates.supervisor")

LAST_COMPLETE_FILE = "last_complete_enchanted_dataset.csv"


class CampaignRefused(Exception):
    """The campaign would overwrite or misuse existing data; nothing was changed."""


class Campaign:
    """Runs a validated `CampaignSpec`. Only this object writes the campaign's files."""

    def __init__(self, spec: CampaignSpec, *, force: bool = False, console: bool = True) -> None:
        self.spec = spec
        self.force = force
        self.console = console
        self.base = spec.base_run_dir
        self.data_dir = self.base / "data"
        self.log_dir = self.base / "logs"

    def run(self) -> pd.DataFrame:
        """Run every level; return the dataset. Failed runs are rows, not exceptions."""
        self._refuse_unsupported()
        self._prepare_base_dir()
        handlers = setup_logging(self.log_dir, self.spec.config.logging.level, self.console)
        try:
            for warning in self.spec.warnings:
                log.warning("%s", warning)
            self._run_levels()
        finally:
            teardown_logging(handlers)
        return pd.read_csv(self.base / DATASET_FILE)

    def _refuse_unsupported(self) -> None:
        mode = self.spec.config.supervisor.run_mode
        if mode != "fresh":
            raise CampaignRefused(
                f"{self.spec.source}: supervisor.run_mode: '{mode}' is not available in this "
                "version; only 'fresh' campaigns can be run"
            )

    def _prepare_base_dir(self) -> None:
        if self.base.exists() and any(self.base.iterdir()):
            if not self.force:
                raise CampaignRefused(
                    f"{self.base} is not empty; to continue that campaign set "
                    "'supervisor.run_mode: resume', or pass --force to delete it and start fresh"
                )
            shutil.rmtree(self.base)
        for folder in (self.base, self.data_dir, self.log_dir, self.base / "config"):
            folder.mkdir(parents=True, exist_ok=True)
        (self.base / "config" / self.spec.config_name).write_text(self.spec.text)

    def _run_levels(self) -> None:
        spec = self.spec
        levels = spec.levels
        nested = len(levels) > 1
        samplers = [level.sampler.build() for level in levels]
        executors = _SharedExecutors(spec)
        order = ColumnOrder(
            [p for sampler in samplers for p in getattr(sampler, "parameters", [])],
            [runner.name for level in levels for runner in level.runners],
            levels=nested,
        )
        started = time.monotonic()
        journal = Journal(self.base / JOURNAL_FILE)
        dataset = CsvDataset(self.base / DATASET_FILE, order)
        progress = Progress(self.log_dir / PROGRESS_FILE, 0)
        recorder = Recorder(journal, dataset, progress)
        journal.append(
            "campaign_started",
            version=__version__,
            config_hash=hashlib.sha256(spec.text.encode()).hexdigest(),
            config=spec.text,
            seeds={lv.sampler.name: getattr(s, "seed", None) for lv, s in zip(levels, samplers)},
        )
        parents: list[dict[str, Any]] = [{}]
        runner: LevelRunner | None = None
        interrupted = False
        try:
            for level, sampler in zip(levels, samplers):
                runner = LevelRunner(
                    level,
                    sampler,
                    [executors.get(entry) for entry in level.executors],
                    recorder,
                    self.data_dir,
                    parents,
                    tag_level=nested,
                )
                progress.add_total(runner.planned_chains)
                log.info("level %d: %d runs planned", level.index, runner.planned_chains)
                journal.append(
                    "level_started", level=level.index, mode=runner.mode, parents=len(parents)
                )
                finished = runner.run()
                journal.append("level_finished", level=level.index, rows=len(finished))
                executors.release_after(level.index)
                if nested:
                    self._write_last_complete(finished, order)
                parents = self._next_parents(finished)
        except KeyboardInterrupt:
            interrupted = True
            if runner is not None:
                runner.cancel()
            journal.append("interrupted")
            raise
        finally:
            executors.close_all()
            progress.close()
            dataset.close()
            if not interrupted:
                journal.append("campaign_finished", elapsed_sec=time.monotonic() - started)
            journal.close()
        log.info("%s", progress.summary())
        log.info("dataset: %s", self.base / DATASET_FILE)
        self._post_process()

    def _next_parents(self, finished: list[FinishedChain]) -> list[dict[str, Any]]:
        """The rows the next level fans out from: the successful ones, unless told otherwise."""
        rows = [chain.row for chain in finished]
        if self.spec.config.supervisor.nested_failed_parents == "include":
            return rows
        return [row for row in rows if row.get("success")]

    def _write_last_complete(self, finished: list[FinishedChain], order: ColumnOrder) -> None:
        path = self.base / LAST_COMPLETE_FILE
        tmp = path.with_suffix(".csv.tmp")
        level_order = ColumnOrder(order.parameters, order.runners, levels=True)
        level_order.outputs = list(order.outputs)
        table = CsvDataset(tmp, level_order)
        for chain in finished:
            table.append(chain.row)
        table.close()
        tmp.replace(path)

    def _post_process(self) -> None:
        post = self.spec.config.post_processing
        if post is None:
            return
        script = Path(post.script_path).resolve()
        log.info("post-processing: %s", script)
        done = subprocess.run([str(script)], cwd=self.base, check=False)
        if done.returncode != 0:
            log.error("post-processing script %s exited with %d", script, done.returncode)


class _SharedExecutors:
    """One executor object per configured name, shared by every level and stage using it,
    and closed as soon as no later level needs it (releasing its workers early)."""

    def __init__(self, spec: CampaignSpec) -> None:
        self._built: dict[str, Executor] = {}
        self._last_use: dict[str, int] = {}
        for level in spec.levels:
            for entry in level.executors:
                self._last_use[entry.name] = level.index

    def get(self, entry: Any) -> Executor:
        if entry.name not in self._built:
            self._built[entry.name] = entry.build()
        return self._built[entry.name]

    def release_after(self, level_index: int) -> None:
        for name, last in self._last_use.items():
            if last == level_index and name in self._built:
                log.info("executor %s is no longer needed; closing it", name)
                self._built.pop(name).close()

    def close_all(self) -> None:
        for executor in self._built.values():
            executor.close()
        self._built.clear()
