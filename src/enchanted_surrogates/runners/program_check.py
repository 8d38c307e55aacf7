"""Is the program a command names there? A misspelt name should be a warning at
`validate`, not 10,000 failed runs later."""

from __future__ import annotations

import os
import shlex
import shutil


def missing_program(command: list[str], shell: bool) -> str | None:
    """A warning if the command's program is not found on this machine, else None.

    Programs under a placeholder, or relative paths (often copied into the run dir by
    `copy_paths`), are not judged: they only exist where the run executes.
    """
    first = command[0]
    if shell:
        words = shlex.split(first, posix=True) if first.strip() else []
        first = words[0] if words else ""
    if not first or "{" in first:
        return None
    if "/" not in first:
        if shutil.which(first) is None:
            return f"command: program {first!r} is not on PATH on this machine"
        return None
    if os.path.isabs(first) and not os.access(first, os.X_OK):
        return f"command: {first} is not an executable file on this machine"
    return None
