"""A campaign: own the base run dir, run (or resume, or extend) every level, leave the
dataset behind, and stop cleanly on SIGINT/SIGTERM."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from enchanted_surrogates import __version__
from enchanted_surrogates.config.spec import CampaignSpec
from enchanted_surrogates.executors.base import ExecutorUnusable
from enchanted_surrogates.executors.completion import Interrupted
from enchanted_surrogates.journal import JOURNAL_FILE, Journal
from enchanted_surrogates.journal.compact_history import values_in_key_order
from enchanted_surrogates.journal.replay import (
    CampaignHistory,
    LevelHistory,
    iter_final_rows,
)
from enchanted_surrogates.runs import secrets
from enchanted_surrogates.runs.secrets_needed import missing_secrets
from enchanted_surrogates.storage.column_kinds import ColumnKinds, bookkeeping_seeds
from enchanted_surrogates.storage.columns import ColumnOrder
from enchanted_surrogates.storage.dataset_path import dataset_path
from enchanted_surrogates.storage.datasets import FORMAT_FILES, Datasets, formats, open_datasets
from enchanted_surrogates.storage.disk_full import disk_full_error
from enchanted_surrogates.storage.kept_datasets import KeptDatasets, still_complete
from enchanted_surrogates.storage.rebuild import (
    campaign_metadata,
    write_last_complete,
)
from enchanted_surrogates.storage.run_files import (
    FilePolicy,
    campaign_folder,
    local_root,
    resolved_on_worker,
)
from enchanted_surrogates.supervisor import retry
from enchanted_surrogates.supervisor.base_dir_keeper import BaseDirKeeper
from enchanted_surrogates.supervisor.chain import FinishedChain
from enchanted_surrogates.supervisor.checkpoint import refresh_checkpoint
from enchanted_surrogates.supervisor.level import LevelRunner
from enchanted_surrogates.supervisor.level_context import CampaignContext
from enchanted_surrogates.supervisor.level_setup import restore_sampler
from enchanted_surrogates.supervisor.logging_setup import setup_logging, teardown_logging
from enchanted_surrogates.supervisor.policies import CampaignAborted, FailurePolicy
from enchanted_surrogates.supervisor.progress import PROGRESS_FILE, Progress
from enchanted_surrogates.supervisor.progress_heartbeat import Heartbeat
from enchanted_surrogates.supervisor.recorder import Recorder
from enchanted_surrogates.supervisor.refusal import CampaignInterrupted, CampaignRefused
from enchanted_surrogates.supervisor.resume_command import retry_hint
from enchanted_surrogates.supervisor.sampler_setup import build_sampler
from enchanted_surrogates.supervisor.shared_executors import SharedExecutors
from enchanted_surrogates.supervisor.signal_scope import SignalScope

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger("enchanted_surrogates.supervisor")


class Campaign:
    """Runs a validated `CampaignSpec`. Only this object writes the campaign's files."""

    def __init__(
        self,
        spec: CampaignSpec,
        *,
        force: bool = False,
        console: bool = True,
        secrets: dict[str, dict[str, str]] | None = None,
        resume_command: str | None = None,
        retry_failed: frozenset[str] = frozenset(),
    ) -> None:
        self.spec = spec
        self.retry_failed = retry_failed  # statuses whose recorded runs run again (retry.py)
        self.resume_command = resume_command  # what to print; the CLI knows its options
        self.secrets = secrets or {}
        self.force = force
        self.console = console
        self.base = spec.base_run_dir
        # absolute, so the run_dir column and a runner's {run_dir} are the same path
        self.data_dir = (self.base / "data").absolute()
        self.log_dir = self.base / "logs"
        self.mode = spec.config.supervisor.run_mode
        self._base_dir = BaseDirKeeper(spec, self.mode, force, retry_failed)
        self._stop_signal = 0
        self._runner: LevelRunner | None = None

    # --- entry point ----------------------------------------------------------------
    def run(self) -> pd.DataFrame:
        """Run every level; return the dataset. Failed runs are rows, not exceptions."""
        self.execute()
        # Here, not at the top: pandas is ~0.4 s of start-up that `enchanted run` (which
        # leaves the dataset on disk) does not need.
        from enchanted_surrogates.storage.load import load_dataset

        return load_dataset(self.base)

    def execute(self) -> Progress:
        """Run every level, leaving the dataset on disk only (memory stays flat); return
        the final counts."""
        refused = missing_secrets(self.spec, self.secrets) or (
            self.retry_failed and retry.refusal(self.spec)
        )
        if refused:
            raise CampaignRefused(refused)
        history = self._base_dir.take()
        secrets.install(self.secrets)
        try:
            handlers = setup_logging(self.log_dir, self.spec.config.logging.level, self.console)
            try:
                log.debug(
                    "config %s: base_run_dir %s, run mode %s, %d level(s), journal %s",
                    self.spec.source,
                    self.base,
                    self.mode,
                    len(self.spec.levels),
                    "replayed" if history is not None else "new",
                )
                for warning in self.spec.warnings:  # validate showed them; -q hides them
                    log.warning("%s", warning, extra={"config_warning": True})
                for warning in self._local_storage_warning():
                    log.warning("%s", warning)
                with self._signals():
                    return self._run_levels(history)
            finally:
                teardown_logging(handlers)
        finally:
            self._base_dir.release()
            secrets.install({})

    def _local_storage_warning(self) -> list[str]:
        setting = self.spec.config.supervisor.local_storage
        if setting and local_root(setting) is None:
            return [
                f"local_storage: {setting!r} is not set in this environment; "
                f"runs execute in {self.data_dir}"
            ]
        return []

    def _file_policy(self) -> FilePolicy | None:
        supervisor = self.spec.config.supervisor
        if supervisor.save_files == "all" and not supervisor.local_storage:
            return None
        setting = supervisor.local_storage
        if setting and not resolved_on_worker(setting):
            setting = str(Path(setting).expanduser().resolve())  # relative to the start dir
        key = hashlib.sha1(str(self.base.resolve()).encode()).hexdigest()[:12]
        return FilePolicy(
            save=supervisor.save_files,
            patterns=tuple(supervisor.save_files_list),
            local_storage=setting,
            campaign_key=key,
        )

    def _open_datasets(self, history: CampaignHistory, order: ColumnOrder) -> Datasets:
        """The dataset files the config asks for, holding every row the journal has."""
        config = self.spec.config
        runners = [runner.name for level in self.spec.levels for runner in level.runners]
        kinds = ColumnKinds(bookkeeping_seeds(runners))
        metadata = campaign_metadata(self.spec.text, time.time(), None)
        fmts = formats(config.supervisor.summary_datatype, config.storage.type)
        journal = self.base / JOURNAL_FILE
        end = journal.stat().st_size if journal.exists() else 0

        def reopen() -> Datasets:
            datasets = open_datasets(self.base, fmts, order, kinds, metadata)
            if history.levels and end:
                datasets.extend(iter_final_rows(journal, end=end))
            datasets.flush()
            return datasets

        log.info("dataset files: %s", ", ".join(FORMAT_FILES[f] for f in fmts))
        paths = [self.base / FORMAT_FILES[f] for f in fmts]
        if history.levels and not order.levels and still_complete(journal, paths, self._hash()):
            log.info("dataset files kept: they hold every row of the journal")
            return KeptDatasets(reopen, paths)  # type: ignore[return-value]
        return reopen()

    def _hash(self) -> str:
        return hashlib.sha256(self.spec.text.encode()).hexdigest()

    # --- signals ----------------------------------------------------------------------
    def _signals(self) -> SignalScope:
        return SignalScope(self._on_signal)

    def _on_signal(self, signum: int, _frame: Any) -> None:
        if self._stop_signal:
            os._exit(128 + signum)  # a second signal: stop at once; the journal stays valid
        self._stop_signal = signum
        if self._runner is not None:
            self._runner.stream.interrupt()

    # --- the levels -------------------------------------------------------------------
    def _run_levels(self, history: CampaignHistory | None) -> Progress:
        spec = self.spec
        levels = spec.levels
        nested = len(levels) > 1
        resumed = history is not None
        history = history or CampaignHistory()
        samplers = [
            build_sampler(spec, self.mode, level.index, level.sampler, history) for level in levels
        ]
        executors = SharedExecutors(spec)
        supervisor = spec.config.supervisor
        order = ColumnOrder(
            [p for sampler in samplers for p in getattr(sampler, "parameters", [])],
            [runner.name for level in levels for runner in level.runners],
            levels=nested,
            retried=[
                runner.name
                for level in levels
                for runner in level.runners
                if (
                    runner.limits.retries
                    if runner.limits.retries is not None
                    else supervisor.retries
                )
            ],
        )
        policy = FailurePolicy(supervisor)
        started = time.monotonic()
        journal = Journal(self.base / JOURNAL_FILE)
        dataset = self._open_datasets(history, order)
        progress = Progress(self.log_dir / PROGRESS_FILE, 0)
        for row in history.final_rows():
            progress.preload(bool(row.get("success")), row)
        files = self._file_policy()
        recorder = Recorder(journal, dataset, progress)
        executors.recorder = recorder
        heartbeat = Heartbeat(
            progress, supervisor.progress_interval_sec, executors.running_and_queued
        ).start()
        event = "campaign_resumed" if resumed else "campaign_started"
        journal.append(
            event,
            version=__version__,
            mode=self.mode,
            config_hash=self._hash(),
            config=spec.text,
            seeds={lv.sampler.name: getattr(s, "seed", None) for lv, s in zip(levels, samplers)},
            # an extension's targets, so an interrupted extend can be finished by --resume
            budgets={lv.index: int(s.budget) for lv, s in zip(levels, samplers)}
            if self.mode == "extend"
            else {},
        )
        if resumed and nested and self.mode == "extend" and supervisor.save_files != "all":
            log.warning(
                "extend with save_files: %s: parents that finished before keep only the files "
                "save_files kept; new children of those parents cannot read the others",
                supervisor.save_files,
            )
        if resumed:
            log.info("%s %s: %d runs already finished", self.mode, self.base, history.runs_finished)
            for line in self._base_dir.accepted_drift:
                log.info("config change accepted: %s", line)
        context = CampaignContext(
            recorder,
            self.data_dir,
            supervisor,
            policy,
            nested=nested,
            secrets=self.secrets,
            files=files,
        )
        parents: list[dict[str, Any]] = [{}]
        aborted = ""
        disk_full = False
        try:
            for level, sampler in zip(levels, samplers):
                past = history.levels.get(level.index, LevelHistory())
                points = values_in_key_order(past.points)
                restore_sampler(sampler, points, values_in_key_order(past.ended))
                self._runner = runner = LevelRunner(
                    context,
                    level,
                    sampler,
                    [executors.get(entry) for entry in level.executors],
                    _stable_order(parents, past.parent_dirs),
                    history=past,
                    last_level=level.index == levels[-1].index,
                )
                if self._stop_signal:  # arrived before this level's stream could be woken
                    raise Interrupted
                progress.add_total(runner.planned_chains - len(past.ended))
                log.info("level %d: %d chains planned", level.index, runner.planned_chains)
                finished = runner.run()
                self._runner = None
                journal.append("level_finished", level=level.index, rows=runner.rows_ended)
                executors.release_after(level.index)
                if nested and level.index != levels[-1].index:  # the next level's parents
                    write_last_complete(self.base, [f.row for f in finished], order)
                parents = self._next_parents(finished)
        except Interrupted:
            self._stop(executors, journal)
        except (CampaignAborted, ExecutorUnusable) as exc:
            aborted = str(exc)
            log.error("aborting the campaign: %s", aborted)
            executors.abort_all()
            journal.append("aborted", reason=aborted)
        except BaseException as exc:
            aborted = f"{type(exc).__name__}: {exc}"
            disk_full = disk_full_error(exc) is not None
            log.exception(  # a full disk: the traceback goes to main.log, the CLI says why
                "the campaign failed; finished runs are kept",
                extra={"file_only": disk_full},
            )
            executors.abort_all()
            journal.append("failed_campaign", reason=aborted)
            raise
        finally:
            heartbeat.stop()
            executors.close_all()
            _remove_local_folder(files)
            progress.close()
            dataset.close(disk_full)
            if not self._stop_signal and not aborted:
                journal.append("campaign_finished", elapsed_sec=time.monotonic() - started)
            journal.close()
            if not self._stop_signal:  # a stop (walltime) should not wait for it
                kept = None if nested else dataset.complete_paths()
                refresh_checkpoint(
                    self.base / JOURNAL_FILE, self._base_dir.needs_rows(), kept, self._hash()
                )
        if self._stop_signal:
            name = signal.Signals(self._stop_signal).name
            raise CampaignInterrupted(self._stop_signal, self._resume_hint(name, progress))
        if aborted:
            raise CampaignAborted(self._resume_hint(f"aborted ({aborted})", progress))
        log.info("%s", progress.summary())
        if progress.resources.runs:
            log.info("%s", progress.resources.summary())
        if recorder.jobs.jobs:
            log.info("%s", recorder.jobs.summary(progress.resources.cpu_sec))
        log.info("dataset: %s", dataset_path(self.base))
        self._post_process()
        return progress

    def _stop(self, executors: SharedExecutors, journal: Journal) -> None:
        name = signal.Signals(self._stop_signal).name if self._stop_signal else "stop"
        log.warning("%s received: stopping; runs in progress will be redone on resume", name)
        executors.abort_all()
        journal.append("interrupted", signal=name)

    def _resume_hint(self, why: str, progress: Progress) -> str:
        if self.resume_command:
            how = self.resume_command
        elif self.spec.source == "<dict>":
            how = "enchanted_surrogates.run(config, run_mode='resume')"
        else:
            how = f"enchanted run {self.spec.source} --resume"
        hint = (
            f"{why}: stopped; {progress.runs} runs, {progress.done} dataset rows are recorded "
            f"in {self.base}. To continue: {how}"
        )
        return hint + retry_hint(how, progress.failures)

    def _next_parents(self, finished: list[FinishedChain]) -> list[dict[str, Any]]:
        """The rows the next level fans out from: the successful ones, unless told otherwise."""
        rows = [chain.row for chain in finished]
        if self.spec.config.supervisor.nested_failed_parents == "include":
            return rows
        return [row for row in rows if row.get("success")]

    def _post_process(self) -> None:
        post = self.spec.config.post_processing
        if post is None:
            return
        script = Path(post.script_path).resolve()
        log.info("post-processing: %s", script)
        done = subprocess.run([str(script)], cwd=self.base, check=False)
        if done.returncode != 0:
            log.error("post-processing script %s exited with %d", script, done.returncode)


def _remove_local_folder(files: FilePolicy | None) -> None:
    """Every run has ended: the campaign's folder on local disk (this node's) can go."""
    folder = campaign_folder(files)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def _stable_order(parents: list[dict[str, Any]], known: list[str]) -> list[dict[str, Any]]:
    """Parents at the positions an earlier run gave them, new ones after; a chain's parent
    is recorded by position, so positions must never move between runs."""
    if not known:
        return parents
    position = {run_dir: i for i, run_dir in enumerate(known)}
    old = [p for p in parents if p.get("run_dir") in position]
    old.sort(key=lambda p: position[p.get("run_dir")])
    new = [p for p in parents if p.get("run_dir") not in position]
    return old + new
