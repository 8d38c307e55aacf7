"""How a program that did not exit with 0 ended: a signal, out of memory, or its own
message (from the error readers, else the end of stderr or stdout)."""

from __future__ import annotations

import os
import re
import signal

from enchanted_surrogates.parsers.files import STDERR_FILE
from enchanted_surrogates.runners.error_readers import (
    ErrorReader,
    failure_message,
)
from enchanted_surrogates.runs.errors import RunCrashed, RunError, RunMemout

# What a program that ran out of memory typically says on stderr (Python, C++, C/Fortran).
MEMORY_ERROR = re.compile(
    r"MemoryError|std::bad_alloc|Cannot allocate memory|out of memory", re.IGNORECASE
)
MEMORY_SCAN_CHARS = 20_000  # the end of stderr, where a fatal error is printed
TAIL_LINES = 10
TAIL_CHARS = 2000


def _tail(text: str) -> str:
    """The end of a program's stderr, short enough for an error message."""
    tail = "\n".join(text.rstrip().splitlines()[-TAIL_LINES:])
    if not tail:
        return "(stderr is empty)"
    return tail if len(tail) <= TAIL_CHARS else "..." + tail[-TAIL_CHARS:]


def exit_error(code: int, run_dir: str, readers: list[ErrorReader]) -> RunError:
    """How a program that did not exit with 0 ended, with its own message."""
    with open(os.path.join(run_dir, STDERR_FILE), encoding="utf-8", errors="replace") as handle:
        stderr = handle.read()
    if code < 0:
        try:
            how = f"killed by signal {signal.Signals(-code).name}"
        except ValueError:
            how = f"killed by signal {-code}"
    else:
        how = f"exit code {code}"
    if MEMORY_ERROR.search(stderr[-MEMORY_SCAN_CHARS:]):
        return RunMemout(f"{how}, out of memory: {_tail(stderr)}")
    message = failure_message(run_dir, readers)
    if code < 0:
        return RunCrashed(how if not stderr.strip() else f"{how}: {message}")
    return RunError(f"{how}: {message}")
