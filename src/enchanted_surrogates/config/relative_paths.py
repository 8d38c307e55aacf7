"""Where relative paths in a config start: where you run (the default), or the config file.

Every relative path of a campaign (base_run_dir, templates, copy, link, namelist bases, a
runner's own files) starts at the working directory. With `paths: config` at the top of
the file, the `enchanted` command first moves into the config file's directory, so the
campaign runs the same from anywhere.
"""

from __future__ import annotations

import os
import sys

import yaml

from enchanted_surrogates.config import yaml12


def enter_config_dir(config: str) -> str:
    """Honour `paths: config`: chdir to the config's directory and return the config's
    absolute path; otherwise `config` unchanged. An unreadable or malformed file is left
    for the config check to report."""
    try:
        with open(config, encoding="utf-8") as handle:
            data = yaml12.load(handle.read())
    except (OSError, ValueError, yaml.YAMLError):
        return config
    if not isinstance(data, dict) or data.get("paths") != "config":
        return config
    path = os.path.abspath(config)
    folder = os.path.dirname(path)
    os.chdir(folder)
    if folder not in sys.path:  # `type: my_module:MyRunner` next to the config
        sys.path.insert(0, folder)
    return path


def where_relative_paths_start() -> str:
    """For errors about a missing file: the rule, and how to change it."""
    return (
        f"relative paths start at {os.getcwd()}, where you run; `paths: config` at the top "
        "of the config starts them at the config file's directory"
    )
