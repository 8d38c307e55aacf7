"""Start the local executor's fork server while `enchanted run` still checks its config.

The server imports the worker side (~0.2 s) before it forks the first worker. Started as
soon as the config file is known, that import runs on another core beside the config
check instead of after it. A config that turns out invalid leaves nothing behind: the
server exits with the process that started it.
"""

from __future__ import annotations

import multiprocessing.forkserver
from multiprocessing.context import BaseContext
from typing import Any

import yaml

from enchanted_surrogates.config import yaml12
from enchanted_surrogates.config.registry import builtin_target
from enchanted_surrogates.executors.script_main import main_hidden, script_safe_context

LOCAL = "enchanted_surrogates.executors.local:LocalExecutor"
WORKER_MODULE = "enchanted_surrogates.executors.pool_slots"  # where run_chunk lives


def preload_worker(context: BaseContext) -> None:
    """Workers fork from a server that already imported the worker side once."""
    context.set_forkserver_preload([WORKER_MODULE])


def wants_forkserver(config: Any) -> bool:
    """Whether `config` (as read from YAML) has a local executor on the fork server."""
    executors = config.get("executors") if isinstance(config, dict) else None
    if not isinstance(executors, dict):
        return False
    return any(
        isinstance(entry, dict)
        and isinstance(entry.get("type"), str)
        and builtin_target("executors", entry["type"]) == LOCAL
        and entry.get("start_method", "forkserver") == "forkserver"
        for entry in executors.values()
    )


def start_early(config_path: str) -> bool:
    """Start the fork server now if the config at `config_path` will use it."""
    try:
        with open(config_path, encoding="utf-8") as handle:
            config = yaml12.load(handle.read())
    except (OSError, ValueError, yaml.YAMLError):
        return False  # the config check says what is wrong
    if not wants_forkserver(config):
        return False
    preload_worker(script_safe_context("forkserver"))
    with main_hidden():
        multiprocessing.forkserver.ensure_running()
    return True
