"""Without a terminal, a progress line appears every progress_interval_sec even while no
run finishes (the 10% lines alone would stay silent for hours with long runs)."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from campaign_configs import basic_config, write_config

pytestmark = pytest.mark.integration


def test_a_progress_line_is_logged_while_runs_are_still_running(tmp_path, cli_env):
    gate = tmp_path / "gate"
    sampler = {"type": "RandomSampler", "parameters": ["x"], "bounds": [[0.0, 1.0]], "budget": 2}
    config = basic_config(
        tmp_path / "c",
        {"type": "es_test_plugins:GateRunner", "gate": str(gate)},
        sampler,
        progress_interval_sec=0.5,
    )
    path = write_config(tmp_path / "c.yaml", config)
    err = tmp_path / "stderr.txt"
    with err.open("w") as handle:
        campaign = subprocess.Popen(
            [sys.executable, "-m", "enchanted_surrogates", "run", str(path)],
            cwd=tmp_path,
            env=cli_env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=handle,
        )
        try:
            deadline = time.monotonic() + 60
            while "2 running, 0 queued" not in err.read_text():
                assert campaign.poll() is None and time.monotonic() < deadline, err.read_text()
                time.sleep(0.2)
        finally:
            gate.touch()
            campaign.wait(timeout=60)
    assert campaign.returncode == 0
    line = next(x for x in err.read_text().splitlines() if "2 running, 0 queued" in x)
    assert "0/2 dataset rows done, 0 succeeded, 0 failed" in line
