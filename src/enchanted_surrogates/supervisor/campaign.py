"""A campaign: prepare the base run dir, run every level, leave the dataset behind."""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
import time
from pathlib import Path

import pandas as pd

from enchanted_surrogates import __version__
from enchanted_surrogates.config.spec import CampaignSpec
from enchanted_surrogates.journal import JOURNAL_FILE, Journal
from enchanted_surrogates.logging_setup import setup_logging, teardown_logging
from enchanted_surrogates.progress import PROGRESS_FILE, Progress
from enchanted_surrogates.storage.columns import ColumnOrder
from enchanted_surrogates.storage.csv_dataset import DATASET_FILE, CsvDataset
from enchanted_surrogates.supervisor.level import LevelRunner
from enchanted_surrogates.supervisor.recorder import Recorder

log = logging.getLogger("enchanted_surrogates.supervisor")


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
        level = spec.levels[0]
        sampler = level.sampler.build()
        executor = level.executors[0].build()
        order = ColumnOrder(getattr(sampler, "parameters", []), [r.name for r in level.runners])
        total = int(sampler.budget)
        started = time.monotonic()
        journal = Journal(self.base / JOURNAL_FILE)
        dataset = CsvDataset(self.base / DATASET_FILE, order)
        progress = Progress(self.log_dir / PROGRESS_FILE, total)
        journal.append(
            "campaign_started",
            version=__version__,
            config_hash=hashlib.sha256(spec.text.encode()).hexdigest(),
            config=spec.text,
            seeds={level.sampler.name: getattr(sampler, "seed", None)},
        )
        log.info("campaign in %s: %d runs planned", self.base, total)
        recorder = Recorder(journal, dataset, progress)
        runner = LevelRunner(level, sampler, executor, recorder, self.data_dir)
        interrupted = False
        try:
            journal.append("level_started", level=level.index, mode=runner.mode)
            runner.run()
            journal.append("level_finished", level=level.index)
        except KeyboardInterrupt:
            interrupted = True
            runner.cancel()
            journal.append("interrupted", level=level.index)
            raise
        finally:
            executor.close()
            progress.close()
            dataset.close()
            if not interrupted:
                journal.append("campaign_finished", elapsed_sec=time.monotonic() - started)
            journal.close()
        log.info("%s", progress.summary())
        log.info("dataset: %s", self.base / DATASET_FILE)
        self._post_process()

    def _post_process(self) -> None:
        post = self.spec.config.post_processing
        if post is None:
            return
        script = Path(post.script_path).resolve()
        log.info("post-processing: %s", script)
        done = subprocess.run([str(script)], cwd=self.base, check=False)
        if done.returncode != 0:
            log.error("post-processing script %s exited with %d", script, done.returncode)
