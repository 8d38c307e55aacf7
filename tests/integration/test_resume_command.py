"""The resume command printed when a campaign stops continues that same campaign."""

from __future__ import annotations

import shlex
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest
from campaign_configs import basic_config, write_config

pytestmark = pytest.mark.integration


def test_the_printed_command_keeps_base_run_dir_and_secrets(tmp_path, cli_env):
    secrets_file = tmp_path / "secrets.ini"
    secrets_file.write_text("[licence]\ntoken = abc\n")
    runner = {
        "type": "CommandRunner",
        "command": ["sh", "-c", 'test "$TOKEN" = abc && sleep 0.3'],
        "env": {"TOKEN": "{secrets.licence.token}"},
    }
    config = basic_config(tmp_path / "elsewhere", runner)
    config["executors"]["e1"]["max_workers"] = 1
    path = write_config(tmp_path / "c.yaml", config)
    base = tmp_path / "actual camp"
    command = [sys.executable, "-m", "enchanted_surrogates", "run", str(path)]
    process = subprocess.Popen(
        [*command, "--base-run-dir", str(base), "--secrets", str(secrets_file)],
        cwd=tmp_path,
        env=cli_env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not list(base.glob("data/*/stdout.txt")):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    printed = err.split("To continue: ")[1].strip().splitlines()[0]
    words = shlex.split(printed)
    assert words[:2] == ["enchanted", "run"]
    done = subprocess.run(
        [sys.executable, "-m", "enchanted_surrogates", *words[1:]],
        cwd=tmp_path,
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    df = pd.read_csv(base / "enchanted_dataset.csv")
    assert len(df) == 8 and (df["status"] == "SUCCESS").all()
    assert not (tmp_path / "elsewhere").exists()
