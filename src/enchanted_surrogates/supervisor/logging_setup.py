"""One log file per campaign (`logs/main.log`), every failed run once in
`logs/failures.log` (run dir, parameters, traceback), and concise console lines."""

from __future__ import annotations

import logging
import sys
import time
from collections import Counter
from pathlib import Path

from enchanted_surrogates.runs.secrets import RedactFilter

LOGGER = "enchanted_surrogates"
FAILURES_LOG = "failures.log"


class DetailFormatter(logging.Formatter):
    """Appends a record's `detail` (a run's params and traceback) in the log file only."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        detail = getattr(record, "detail", "")
        return f"{text}\n{detail}" if detail else text


class CurrentStderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is now, so lines pass above a live progress bar."""

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass


class FailureDigest(logging.Filter):
    """Console only: the first few failed runs one line each, then one summary line a minute,
    so 10,000 failing runs do not print 10,000 warnings (logs/failures.log has them all)."""

    def __init__(self, first: int = 5, every_sec: float = 60.0) -> None:
        super().__init__()
        self.first, self.every_sec = first, every_sec
        self.seen = 0
        self.held: Counter[str] = Counter()
        self.last = time.monotonic()

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "failure", False):
            return True
        self.seen += 1
        if self.seen <= self.first:
            return True
        self.held[str(record.args[-1]) if record.args else record.getMessage()] += 1
        if time.monotonic() - self.last < self.every_sec:
            return False
        commonest, count = self.held.most_common(1)[0]
        record.msg = "%d more runs failed (%d with: %s); all failures: logs/failures.log"
        record.args = (sum(self.held.values()), count, commonest)
        self.held.clear()
        self.last = time.monotonic()
        return True


class NoteDigest(logging.Filter):
    """Console only: the first few warnings about single runs (a file holding a secret),
    then none; logs/main.log has them all."""

    def __init__(self, first: int = 5) -> None:
        super().__init__()
        self.first = first
        self.seen = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "run_note", False):
            return True
        self.seen += 1
        if self.seen == self.first:
            record.msg = f"{record.getMessage()} (further such warnings: logs/main.log only)"
            record.args = None
        return self.seen <= self.first


def setup_logging(log_dir: Path, level: str, console: bool) -> list[logging.Handler]:
    """Attach handlers to the package logger; return them so the campaign can remove them."""
    logger = logging.getLogger(LOGGER)
    logger.setLevel(min(getattr(logging, level), logging.WARNING))  # no records nobody keeps
    handlers: list[logging.Handler] = []
    file_handler = logging.FileHandler(log_dir / "main.log", encoding="utf-8")
    file_handler.setLevel(getattr(logging, level))
    file_handler.setFormatter(DetailFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handlers.append(file_handler)
    failures = logging.FileHandler(log_dir / FAILURES_LOG, encoding="utf-8", delay=True)
    failures.setLevel(logging.WARNING)
    failures.addFilter(lambda record: getattr(record, "failure", False))
    failures.setFormatter(DetailFormatter("%(asctime)s %(message)s"))
    handlers.append(failures)
    if console:
        stream = CurrentStderrHandler()
        stream.setLevel(getattr(logging, level))
        stream.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        stream.addFilter(FailureDigest())
        stream.addFilter(NoteDigest())
        stream.addFilter(lambda record: not getattr(record, "file_only", False))
        if stream.level >= logging.WARNING:  # -q: config deprecations only in logs/main.log
            stream.addFilter(lambda record: not getattr(record, "config_warning", False))
        handlers.append(stream)
    for handler in handlers:
        handler.addFilter(RedactFilter())
        logger.addHandler(handler)
    return handlers


def teardown_logging(handlers: list[logging.Handler]) -> None:
    logger = logging.getLogger(LOGGER)
    for handler in handlers:
        logger.removeHandler(handler)
        handler.close()
