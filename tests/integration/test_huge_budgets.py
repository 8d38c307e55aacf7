"""A budget of 10^9 is a warning with the projected journal size, never a design in memory."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest
from campaign_configs import double_gaussian_config, write_config
from processes import start_run

pytestmark = pytest.mark.integration

BILLION = 1_000_000_000
# The designs below hold 10^9 points or more: 16 GB and up as float64. `validate` with
# none of them built stays near the interpreter's own size.
MAX_RSS_MB = 400

DESIGNS = {
    "sobol": {"type": "SobolSequenceSampler", "budget": BILLION},
    "lhs": {"type": "LatinHypercubeSampler", "budget": BILLION},
    "saltelli": {"type": "SaltelliSampler", "base_samples": 2**28},
    "pce_regression": {"type": "PCESampler", "order": 2, "budget": BILLION},
    "pce_quadrature": {"type": "PCESampler", "order": 31622, "design": "quadrature"},
    "morris": {"type": "MorrisSampler", "trajectories": BILLION // 3},
}

# `enchanted validate` in a child that reports its own peak memory in KiB: VmHWM, which
# starts afresh with the exec (ru_maxrss would carry over the test process's own peak).
MEASURED = (
    "import re, sys\n"
    "from enchanted_surrogates.cli.main import main\n"
    "code = main(sys.argv[1:])\n"
    "peak = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)\n"
    "print(f'maxrss_kb={peak}', file=sys.stderr)\n"
    "sys.exit(code)\n"
)


@pytest.mark.parametrize("design", DESIGNS)
def test_validate_of_a_huge_design_warns_and_builds_nothing(tmp_path, cli_env, design):
    config = double_gaussian_config(tmp_path / "camp")
    config["samplers"]["s1"] = {
        "parameters": ["x", "y"],
        "bounds": [[0.0, 1.0], [0.0, 1.0]],
        "seed": 1,
        **DESIGNS[design],
    }
    path = write_config(tmp_path / "c.yaml", config)
    done = subprocess.run(
        [sys.executable, "-c", MEASURED, "validate", str(path)],
        cwd=tmp_path,
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    rss_mb = int(done.stderr.rsplit("maxrss_kb=", 1)[1]) / 1024
    assert rss_mb < MAX_RSS_MB, done.stderr
    warning = next(line for line in done.stderr.splitlines() if "runs planned" in line)
    assert "samplers.s1.budget" in warning and "journal alone would grow to about" in warning
    assert " GB in " in warning or " TB in " in warning
    assert not (tmp_path / "camp").exists()


def test_a_modest_budget_gets_no_such_warning(tmp_path, enchanted):
    path = write_config(tmp_path / "c.yaml", double_gaussian_config(tmp_path / "camp"))
    done = enchanted("validate", path, cwd=tmp_path)
    assert done.returncode == 0 and "runs planned" not in done.stderr


def test_run_shows_the_warning_before_it_starts(tmp_path, cli_env):
    config = double_gaussian_config(tmp_path / "camp")
    config["samplers"]["s1"]["budget"] = BILLION
    path = write_config(tmp_path / "c.yaml", config)
    process = start_run(path, cli_env, cwd=tmp_path, stderr=subprocess.PIPE)
    try:
        seen = [process.stderr.readline() for _ in range(3)]
    finally:
        process.send_signal(signal.SIGTERM)  # stops the campaign after the runs in flight
        process.communicate(timeout=120)
    assert any("1,000,000,000 runs planned" in line for line in seen), seen
