"""The campaign's last log lines and `enchanted status` report core-hours used, CPU
efficiency and memory per run, summed from the runs' measured columns."""

from __future__ import annotations

import sys

import pytest
from campaign_configs import basic_config, write_config

pytestmark = pytest.mark.integration

BURN = (
    "import time\nt = time.process_time()\n"
    "while time.process_time() - t < 0.5: pass\nprint('done = 1')\n"
)


def test_last_log_lines_and_status_show_core_hours_efficiency_and_memory(tmp_path, enchanted):
    program = tmp_path / "burn.py"
    program.write_text(BURN)
    sampler = {"type": "RandomSampler", "parameters": ["x"], "bounds": [[0.0, 1.0]], "budget": 2}
    runner = {
        "type": "CommandRunner",
        "command": [sys.executable, str(program)],
        "outputs": [{"type": "key_value"}],
    }
    config = write_config(tmp_path / "c.yaml", basic_config(tmp_path / "c", runner, sampler))
    done = enchanted("run", config, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    last = (tmp_path / "c" / "logs" / "main.log").read_text().splitlines()[-3:]
    report = [line for line in last if "core-hours used by 2 runs" in line]
    assert report, last
    assert "CPU efficiency" in report[0] and "MB mean" in report[0] and "MB peak" in report[0]
    status = enchanted("status", tmp_path / "c", cwd=tmp_path)
    assert status.returncode == 0, status.stderr
    assert "core-hours used by 2 runs" in status.stdout
    assert "CPU efficiency" in status.stdout
