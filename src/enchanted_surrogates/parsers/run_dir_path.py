"""A file the config names inside a run directory must stay inside it.

`file: ../../x.nml` would write (or read) another run's or the user's files; an absolute
path would too. Both are refused when the config is validated.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Annotated

from pydantic import AfterValidator


def inside_run_dir(path: str) -> str:
    """`path` unchanged if it is relative and has no `..`; ValueError otherwise."""
    parts = PurePosixPath(path).parts
    if PurePosixPath(path).is_absolute() or ".." in parts or not parts:
        raise ValueError(f"'{path}' is not a path inside the run directory (no .. or leading /)")
    return path


RunDirPath = Annotated[str, AfterValidator(inside_run_dir)]
