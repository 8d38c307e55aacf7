"""Taking the base run dir: lock it, refuse to overwrite a campaign, replay its journal on
resume (refusing config changes the finished runs cannot honour), or clear it for a fresh
start. A refusal changes nothing on disk."""

from __future__ import annotations

import shutil
from pathlib import Path

from enchanted_surrogates.config import yaml12
from enchanted_surrogates.config.errors import ConfigError
from enchanted_surrogates.config.spec import CampaignSpec, load_spec
from enchanted_surrogates.journal import JOURNAL_FILE
from enchanted_surrogates.journal.replay import (
    CampaignHistory,
    replay,
)
from enchanted_surrogates.samplers.base import Sampler
from enchanted_surrogates.supervisor import retry
from enchanted_surrogates.supervisor.drift import config_drift
from enchanted_surrogates.supervisor.lock import LOCK_FILE, RunDirBusy, RunDirLock
from enchanted_surrogates.supervisor.refusal import CampaignRefused


class BaseDirKeeper:
    """The campaign's hold on its base run dir, from `take()` to `release()`."""

    def __init__(
        self,
        spec: CampaignSpec,
        mode: str,
        force: bool,
        retry_failed: frozenset[str] = frozenset(),
    ) -> None:
        self.spec = spec
        self.retry_failed = retry_failed  # statuses to reopen on resume (retry.py)
        self.mode = mode
        self.force = force
        self.base = spec.base_run_dir
        self.data_dir = (self.base / "data").absolute()
        self.log_dir = self.base / "logs"
        self._lock = RunDirLock(self.base)
        self.accepted_drift: list[str] = []

    def release(self) -> None:
        self._lock.release()

    def take(self) -> CampaignHistory | None:
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
                history = replay(journal, keep_rows=self.needs_rows())
                if history.config_text:
                    self._check_drift(history)
                    self.make_folders()
                    if self.retry_failed:
                        retry.reopen_failed(journal, history, self.retry_failed)
                    return history
                # stopped before its first event reached the disk: nothing ran, start over
            self._prepare_fresh(leftovers)
            return None
        except BaseException:
            self._lock.release()
            raise

    def needs_rows(self) -> bool:
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
        self.make_folders()
        if not self._lock.held:
            try:
                self._lock.acquire()
            except RunDirBusy as exc:
                raise CampaignRefused(str(exc)) from None
        (self.base / "config" / self.spec.config_name).write_text(self.spec.text)

    def make_folders(self) -> None:
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
        self.accepted_drift = accepted
