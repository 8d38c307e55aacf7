"""Under a real mpirun, a failed run's `error` is the program's message, not Open MPI's
report (which is the same for every failure and would make them all look alike)."""

from __future__ import annotations

import shutil
import sys

import pytest
from campaign_configs import basic_config

import enchanted_surrogates

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        shutil.which("mpirun") is None, reason="Open MPI missing (apt-get install openmpi-bin)"
    ),
]

CODE = "import sys; print('step 1 ok'); print(' ERROR: bad x =', sys.argv[1]); sys.exit(1)"


def test_each_failure_under_mpirun_carries_the_programs_own_message(tmp_path):
    runner = {
        "type": "CommandRunner",
        "command": [sys.executable, "-c", CODE, "{x}"],
        "launcher": {"type": "mpirun", "ranks": 1},
    }
    sampler = {"type": "ArraySampler", "parameters": ["x"], "values": [[1, 2]]}
    config = basic_config(tmp_path / "c", runner, sampler, stop_if_first_runs_fail=0)
    df = enchanted_surrogates.run(config).sort_values("x")
    assert (df["status"] == "FAILED").all()
    assert list(df["error"]) == [
        f"exit code 1: (stdout) step 1 ok\n ERROR: bad x = {x}" for x in (1, 2)
    ]
