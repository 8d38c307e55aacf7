"""One log file per campaign (`logs/main.log`), every failed run once in
`logs/failures.log` (run dir, parameters, traceback), and concise console lines."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from enchanted_surrogates.secrets import RedactFilter

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


def setup_logging(log_dir: Path, level: str, console: bool) -> list[logging.Handler]:
    """Attach handlers to the package logger; return them so the campaign can remove them."""
    logger = logging.getLogger(LOGGER)
    logger.setLevel(logging.DEBUG)
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
        stream.setLevel(max(logging.INFO, getattr(logging, level)))
        stream.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
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
