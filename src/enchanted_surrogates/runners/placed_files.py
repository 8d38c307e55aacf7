"""The files `copy` and `link` put into a run directory before its program starts.

A path may hold placeholders, filled per run like the command, so a child can take its
parent's output (`{parent_run_dir}/profile.dat`) and a stage the one before's
(`{previous_run_dir}/out.h5`). A path without placeholders is checked when the config is
read; one that starts with a placeholder is used as filled, any other is relative to where
relative paths start.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable


def declared_path(path: str, has_placeholders: bool) -> str:
    """The path as the runner keeps it: absolute, unless a placeholder gives its start."""
    if has_placeholders and path.startswith("{") and not path.startswith("{{"):
        return path
    return os.path.abspath(path)


def place(
    copies: list[str], links: list[str], run_dir: str, fill: Callable[[str, str], str]
) -> None:
    """Copy and link into `run_dir`; `fill(path, key)` fills a path's placeholders.
    Raises OSError when a file is missing or cannot be placed."""
    for template in copies:
        path = fill(template, "copy")
        dest = os.path.join(run_dir, os.path.basename(path))
        if os.path.isdir(path):
            shutil.copytree(path, dest, dirs_exist_ok=True)
        else:
            shutil.copy2(path, dest)
    for template in links:
        path = fill(template, "link")
        if not os.path.exists(path):  # a dangling link would fail later, less clearly
            raise FileNotFoundError(f"link: no file or directory '{path}'")
        dest = os.path.join(run_dir, os.path.basename(path))
        if os.path.islink(dest):  # left by an earlier attempt of this run
            os.unlink(dest)
        os.symlink(path, dest)
