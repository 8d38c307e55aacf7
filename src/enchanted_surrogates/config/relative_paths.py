"""Where relative paths in a config start: where you run (the default), or the config file.

Every relative path of a campaign (base_run_dir, templates, copy, link, namelist bases, a
runner's own files) starts at the working directory. With `paths: config` at the top of
the file, the `enchanted` command first moves into the config file's directory, and
`enchanted_surrogates.run(path)` does the same for the length of the campaign, so the
campaign runs the same from anywhere.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from enchanted_surrogates.config import yaml12

_entered: list[str] = []  # the config directories moved into, innermost last


def _config_dir(config: str | Path) -> str | None:
    """The config file's directory if it says `paths: config`. An unreadable or malformed
    file is left for the config check to report."""
    try:
        with open(config, encoding="utf-8") as handle:
            data = yaml12.load(handle.read())
    except (OSError, ValueError, yaml.YAMLError):
        return None
    if not isinstance(data, dict) or data.get("paths") != "config":
        return None
    return os.path.dirname(os.path.abspath(config))


def _enter(folder: str) -> None:
    os.chdir(folder)
    _entered.append(folder)
    if folder not in sys.path:  # `type: my_module:MyRunner` next to the config
        sys.path.insert(0, folder)


def enter_config_dir(config: str) -> str:
    """Honour `paths: config`: chdir to the config's directory and return the config's
    absolute path; otherwise `config` unchanged."""
    folder = _config_dir(config)
    if folder is None:
        return config
    path = os.path.abspath(config)
    _enter(folder)
    return path


@contextlib.contextmanager
def config_dir_entered(config: Any) -> Iterator[Any]:
    """`enter_config_dir` for the Python API: the caller's working directory comes back
    afterwards. A dict has no file, so its paths start where the caller is."""
    if not isinstance(config, (str, Path)) or _config_dir(config) is None:
        yield config
        return
    before = os.getcwd()
    path = os.path.abspath(config)
    _enter(os.path.dirname(path))
    try:
        yield path
    finally:
        _entered.pop()
        os.chdir(before)


def where_relative_paths_start() -> str:
    """For errors about a missing file: the rule, and how to change it."""
    here = os.getcwd()
    if _entered and _entered[-1] == here:
        return f"relative paths start at {here}, the config file's directory (`paths: config`)"
    return (
        f"relative paths start at {here}, where you run; `paths: config` at the top "
        "of the config starts them at the config file's directory"
    )
