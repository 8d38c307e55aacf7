"""The `enchanted` command's exit, without the interpreter's teardown.

Once a command has returned, Python's finalisation frees every module and object one by
one: ~0.1 s with pandas, numpy and pydantic loaded, on every command, after the work is
done (a third of `enchanted validate`). By then the command has closed its files; what
finalisation would still do that matters, the atexit handlers (logging's flush,
multiprocessing's clean-up) and the standard streams' buffers, is done here, and the
process ends with `os._exit`. While a non-daemon thread still runs, the normal exit,
which waits for it, is kept.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading
from typing import NoReturn

from enchanted_surrogates.cli.main import main


def console_main() -> NoReturn:
    """The `enchanted` console script and `python -m enchanted_surrogates`."""
    exit_now(main())


def exit_now(code: int | None) -> NoReturn:
    """End the process with `code` after the atexit handlers and a flush of stdout and
    stderr, skipping the teardown of modules and objects."""
    if any(not t.daemon and t is not threading.main_thread() for t in threading.enumerate()):
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a reader that left, a closed stream
            stream.flush()
    os._exit(0 if code is None else int(code))
