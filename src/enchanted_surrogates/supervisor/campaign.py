"""A campaign: own the base run dir, run (or resume, or extend) every level, leave the
dataset behind, and stop cleanly on SIGINT/SIGTERM."""

from __future__ import annotations

import copy
import hashlib
import logging
import os
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from enchanted_surrogates import __version__, secrets
from enchanted_surrogates.compact_history import values_in_key_order
from enchanted_surrogates.config import yaml12
from enchanted_surrogates.config.errors import ConfigError
from enchanted_surrogates.config.options import accepts_key
from enchanted_surrogates.config.spec import CampaignSpec, EntrySpec, load_spec
from enchanted_surrogates.disk_full import disk_full_error
from enchanted_surrogates.executors.base import Executor, ExecutorUnusable
from enchanted_surrogates.executors.completion import Interrupted
from enchanted_surrogates.journal import JOURNAL_FILE, Journal
from enchanted_surrogates.logging_setup import setup_logging, teardown_logging
from enchanted_surrogates.progress import PROGRESS_FILE, Progress
from enchanted_surrogates.progress_heartbeat import Heartbeat
from enchanted_surrogates.replay import CampaignHistory, LevelHistory, iter_final_rows, replay
from enchanted_surrogates.resume_command import retry_hint
from enchanted_surrogates.samplers.base import Sampler
from enchanted_surrogates.secrets_needed import missing_secrets
from enchanted_surrogates.storage.column_kinds import ColumnKinds, bookkeeping_seeds
from enchanted_surrogates.storage.columns import ColumnOrder
from enchanted_surrogates.storage.dataset_path import dataset_path
from enchanted_surrogates.storage.datasets import FORMAT_FILES, Datasets, formats, open_datasets
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
from enchanted_surrogates.supervisor.checkpoint import refresh_checkpoint
from enchanted_surrogates.supervisor.drift import config_drift
from enchanted_surrogates.supervisor.level import FinishedChain, LevelRunner, restore_sampler
from enchanted_surrogates.supervisor.lock import LOCK_FILE, RunDirBusy, RunDirLock
from enchanted_surrogates.supervisor.policies import CampaignAborted, FailurePolicy
from enchanted_surrogates.supervisor.recorder import Recorder

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger("enchanted_surrogates.supervisor")


class CampaignRefused(Exception):
    """The campaign would overwrite or misuse existing data; nothing was changed."""


class CampaignInterrupted(Exception):
    """A signal stopped the campaign; everything finished is recorded."""

    def __init__(self, signum: int, message: str) -> None:
        super().__init__(message)
        self.signum = signum


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
        self._lock = RunDirLock(self.base)
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
        history = self._take_base_dir()
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
            self._lock.release()
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

    # --- the base run dir -------------------------------------------------------------
    def _take_base_dir(self) -> CampaignHistory | None:
        """Lock the base run dir and prepare it for the run mode; return the history to
        resume from (None for a fresh start). A refusal changes nothing on disk."""
        journal = self.base / JOURNAL_FILE
        resuming = self.mode != "fresh" and journal.exists()
        leftovers = self._leftovers()
        if not resuming and leftovers and not self.force:
            raise CampaignRefused(
                f"{self.base} is not empty; to continue that campaign set "
                "'supervisor.run_mode: resume' (or pass --resume), or pass --force to delete "
                "it and start fresh"
            )
        if self.base.exists():
            try:
                self._lock.acquire()
            except RunDirBusy as exc:
                raise CampaignRefused(str(exc)) from None
        try:
            if resuming:
                history = replay(journal, keep_rows=self._needs_rows())
                if history.config_text:
                    self._check_drift(history)
                    self._make_folders()
                    if self.retry_failed:
                        retry.reopen_failed(journal, history, self.retry_failed)
                    return history
                # stopped before its first event reached the disk: nothing ran, start over
            self._prepare_fresh(leftovers)
            return None
        except BaseException:
            self._lock.release()
            raise

    def _needs_rows(self) -> bool:
        """Whether resuming needs the finished rows themselves, not just which ended: a
        nested level fans out of them, a learning or original-API sampler is told them."""
        if len(self.spec.levels) > 1:
            return True
        cls = self.spec.levels[0].sampler.cls
        if not (isinstance(cls, type) and issubclass(cls, Sampler)):
            return True
        overrides = cls.register_future is not Sampler.register_future
        return cls.learns_from_results or overrides or cls.restore is not Sampler.restore

    def _leftovers(self) -> list[Path]:
        if not self.base.exists():
            return []
        return [path for path in self.base.iterdir() if path.name != LOCK_FILE]

    def _prepare_fresh(self, leftovers: list[Path]) -> None:
        for path in leftovers:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        self.base.mkdir(parents=True, exist_ok=True)
        # the journal exists before anything else, so a campaign killed while starting up
        # is recognised as one by --resume (and simply started over)
        (self.base / JOURNAL_FILE).touch()
        self._make_folders()
        if not self._lock.held:
            try:
                self._lock.acquire()
            except RunDirBusy as exc:
                raise CampaignRefused(str(exc)) from None
        (self.base / "config" / self.spec.config_name).write_text(self.spec.text)

    def _make_folders(self) -> None:
        for folder in (self.base, self.data_dir, self.log_dir, self.base / "config"):
            folder.mkdir(parents=True, exist_ok=True)

    def _check_drift(self, history: CampaignHistory) -> None:
        try:
            old = load_spec(yaml12.load(history.config_text))
        except ConfigError as exc:
            raise CampaignRefused(
                f"the config recorded in {self.base / JOURNAL_FILE} no longer loads "
                f"({exc.lines()[0]}); cannot {self.mode}"
            ) from None
        refused, accepted = config_drift(old, self.spec)
        if refused:
            lines = "\n  ".join(refused)
            raise CampaignRefused(
                f"cannot {self.mode} {self.base}: the config changed in ways the finished "
                f"runs cannot honour:\n  {lines}\nrestore those keys, or start a new campaign "
                "in another base_run_dir"
            )
        self._accepted_drift = accepted

    # --- signals ----------------------------------------------------------------------
    def _signals(self) -> _SignalScope:
        return _SignalScope(self._on_signal)

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
        samplers = [self._build_sampler(level.index, level.sampler, history) for level in levels]
        executors = _SharedExecutors(spec)
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
            for line in getattr(self, "_accepted_drift", []):
                log.info("config change accepted: %s", line)
        parents: list[dict[str, Any]] = [{}]
        aborted = ""
        try:
            for level, sampler in zip(levels, samplers):
                past = history.levels.get(level.index, LevelHistory())
                points = values_in_key_order(past.points)
                restore_sampler(sampler, points, values_in_key_order(past.ended))
                self._runner = runner = LevelRunner(
                    level,
                    sampler,
                    [executors.get(entry) for entry in level.executors],
                    recorder,
                    self.data_dir,
                    _stable_order(parents, past.parent_dirs),
                    tag_level=nested,
                    supervisor=supervisor,
                    policy=policy,
                    history=past,
                    secrets=self.secrets,
                    files=files,
                    last_level=level.index == levels[-1].index,
                    keep_rows=nested,
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
            log.exception(  # a full disk: the traceback goes to main.log, the CLI says why
                "the campaign failed; finished runs are kept",
                extra={"file_only": disk_full_error(exc) is not None},
            )
            executors.abort_all()
            journal.append("failed_campaign", reason=aborted)
            raise
        finally:
            heartbeat.stop()
            executors.close_all()
            _remove_local_folder(files)
            progress.close()
            dataset.close()
            if not self._stop_signal and not aborted:
                journal.append("campaign_finished", elapsed_sec=time.monotonic() - started)
            journal.close()
            if not self._stop_signal:  # a stop (walltime) should not wait for it
                kept = None if nested else dataset.complete_paths()
                refresh_checkpoint(self.base / JOURNAL_FILE, self._needs_rows(), kept, self._hash())
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

    def _build_sampler(self, index: int, entry: EntrySpec, history: CampaignHistory) -> Any:
        """The level's sampler, built for this run mode.

        A seed drawn at the campaign's start is reused. Its budget is the target: on
        extend, what the journal holds plus the sampler's own budget; on resume, the larger
        of that budget and a target recorded by an earlier (interrupted) extend. Samplers
        with a fixed-size design (LHS, Sobol) are built for the whole target; grids and
        arrays stop at their size.
        """
        options = copy.deepcopy(entry.options)
        recorded_seed = history.seeds.get(entry.name)
        reuse_seed = recorded_seed is not None and options.get("seed") is None
        if reuse_seed and accepts_key(entry.cls, "seed"):
            options["seed"] = recorded_seed
        sampler = EntrySpec(entry.kind, entry.name, entry.cls, options).build()
        own = int(sampler.budget)
        asked = history.levels[index].asked() if index in history.levels else 0
        target = None
        if self.mode == "extend":
            target = asked + (0 if entry.name in self.spec.extend_nothing else own)
            if target == 0:
                raise CampaignRefused(
                    f"level {index}: sampler {entry.name} has budget 0 under extend but no "
                    "points yet; give it a budget"
                )
        elif self.mode == "resume" and history.budgets.get(index, 0) > own:
            target = history.budgets[index]
        if target is None:
            return sampler
        if accepts_key(entry.cls, "budget"):
            options["budget"] = target
            sampler = EntrySpec(entry.kind, entry.name, entry.cls, options).build()
        else:
            sampler.budget = target  # an original-API sampler
        if int(sampler.budget) < target:
            log.warning(
                "level %d: sampler %s has only %d points; no more can be added",
                index,
                entry.name,
                int(sampler.budget),
            )
        return sampler

    def _stop(self, executors: _SharedExecutors, journal: Journal) -> None:
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


class _SignalScope:
    """SIGINT and SIGTERM (what SLURM sends at walltime) call `handler` while inside."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self, handler: Any) -> None:
        self.handler = handler
        self.previous: dict[int, Any] = {}

    def __enter__(self) -> _SignalScope:
        if threading.current_thread() is threading.main_thread():
            for signum in self.SIGNALS:
                self.previous[signum] = signal.signal(signum, self.handler)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, previous in self.previous.items():
            signal.signal(signum, previous)


class _SharedExecutors:
    """One executor object per configured name, shared by every level and stage using it,
    and closed as soon as no later level needs it (releasing its workers early)."""

    def __init__(self, spec: CampaignSpec) -> None:
        self._built: dict[str, Executor] = {}
        self._last_use: dict[str, int] = {}
        self.recorder: Recorder | None = None  # journals what closing an executor accounts
        for level in spec.levels:
            for entry in level.executors:
                self._last_use[entry.name] = level.index

    def get(self, entry: Any) -> Executor:
        if entry.name not in self._built:
            started = time.monotonic()
            executor = self._built[entry.name] = entry.build()
            log.debug(
                "executor %s: %s built in %.2f s",
                entry.name,
                type(executor).__name__,
                time.monotonic() - started,
            )
        return self._built[entry.name]

    def release_after(self, level_index: int) -> None:
        for name, last in self._last_use.items():
            if last == level_index and name in self._built:
                log.info("executor %s is no longer needed; closing it", name)
                self._closed(self._built.pop(name))

    def running_and_queued(self) -> tuple[int, int]:
        """(running, queued) runs over all executors; called by the progress heartbeat."""
        counts = [executor.running_and_queued() for executor in list(self._built.values())]
        return sum(c[0] for c in counts), sum(c[1] for c in counts)

    def abort_all(self) -> None:
        for executor in self._built.values():
            self._closed(executor, abort=True)
        self._built.clear()

    def close_all(self) -> None:
        for executor in self._built.values():
            self._closed(executor)
        self._built.clear()

    def _closed(self, executor: Executor, abort: bool = False) -> None:
        """Close or abort `executor`, then journal the accounting of its worker jobs."""
        executor.abort() if abort else executor.close()
        if self.recorder is not None:
            self.recorder.worker_jobs(executor.job_events())
