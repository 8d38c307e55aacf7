"""Per-run resource accounting: the CPU seconds and the peak resident memory of the run's
whole process tree land in the dataset next to `runtime_sec_<runner>`, for runs inside the
worker, for a timeout kept in the worker, and for runs in a limited child (memory limit)."""

from __future__ import annotations

import sys

import pytest
from campaign_configs import basic_config

import enchanted_surrogates

# a parent that starts two children: each holds 100 MB, one also burns 1 s of CPU
PROGRAM = """
import subprocess, sys, time
if len(sys.argv) == 1:
    kids = [subprocess.Popen([sys.executable, __file__, mode]) for mode in ("burn", "hold")]
    for kid in kids:
        kid.wait()
    print("done = 1")
else:
    block = bytearray(100 * 1024 * 1024)
    for i in range(0, len(block), 4096):
        block[i] = 1
    start = time.process_time()
    while sys.argv[1] == "burn" and time.process_time() - start < 1.0:
        pass
    time.sleep(1.5)
"""


@pytest.mark.integration
@pytest.mark.parametrize(
    "limits",
    [{}, {"timeout": 60}, {"memory_limit": 4000}],
    ids=["in-worker", "timeout-in-worker", "limited-child"],
)
def test_cpu_seconds_and_peak_memory_of_the_process_tree_are_columns(tmp_path, limits):
    program = tmp_path / "tree.py"
    program.write_text(PROGRAM)
    sampler = {"type": "RandomSampler", "parameters": ["x"], "bounds": [[0.0, 1.0]], "budget": 1}
    runner = {
        "type": "CommandRunner",
        "command": [sys.executable, str(program)],
        "outputs": [{"type": "key_value"}],
        **limits,
    }
    df = enchanted_surrogates.run(basic_config(tmp_path / "c", runner, sampler))
    assert (df["status"] == "SUCCESS").all(), df["error"].tolist()
    columns = list(df.columns)
    at = columns.index("runtime_sec_r1")
    assert columns[at + 1 : at + 3] == ["cpu_sec_r1", "max_rss_mb_r1"]
    row = df.iloc[0]
    assert row["cpu_sec_r1"] >= 0.9  # the grandchild's busy second counts
    assert row["max_rss_mb_r1"] >= 190  # both children's 100 MB, held at the same time
