"""Shared fixtures: helper plugins on the path, and the `enchanted` command as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HELPERS = Path(__file__).parent / "helpers"
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HELPERS))


@pytest.fixture
def cli_env() -> dict[str, str]:
    """Environment for a CLI subprocess that can import the helper plugins."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HELPERS), env.get("PYTHONPATH")]))
    return env


@pytest.fixture
def enchanted(cli_env):
    """Run `python -m enchanted_surrogates ARGS...` for real; return the CompletedProcess.
    `env` adds variables to the environment the command sees."""

    def call(
        *args: str, cwd: Path, timeout: float = 120, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "enchanted_surrogates", *map(str, args)],
            cwd=cwd,
            env={**cli_env, **(env or {})},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return call


@pytest.fixture
def start_campaign(cli_env):
    """Start `enchanted run CONFIG` in the background (output discarded); return the Popen."""

    def start(config: Path, cwd: Path) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "enchanted_surrogates", "run", str(config)],
            cwd=cwd,
            env=cli_env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    return start
