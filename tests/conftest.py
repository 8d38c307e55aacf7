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
    """Run `python -m enchanted_surrogates ARGS...` for real; return the CompletedProcess."""

    def call(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "enchanted_surrogates", *map(str, args)],
            cwd=cwd,
            env=cli_env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return call
