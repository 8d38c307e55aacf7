"""Runs and dataset rows are counted the same way in validate, the progress and the last line."""

from __future__ import annotations

import pytest
from campaign_configs import write_config

pytestmark = pytest.mark.integration


def _three_stages(base) -> dict:
    stage = {"type": "SumRunner", "params_to_sum": ["x"]}
    return {
        "executors": {"e": {"type": "LocalExecutor", "max_workers": 1}},
        "samplers": {"s": {"type": "ArraySampler", "parameters": ["x"], "values": [[1, 2, 3]]}},
        "runners": {"a": stage, "b": stage, "c": stage},
        "supervisor": {
            "base_run_dir": str(base),
            "run_order": [{"sampler": "s", "executor": ["e", "e", "e"], "runner": ["a", "b", "c"]}],
        },
    }


def test_a_three_stage_campaign_reports_nine_runs_and_three_rows(tmp_path, enchanted):
    config = write_config(tmp_path / "c.yaml", _three_stages(tmp_path / "runs"))
    planned = enchanted("validate", config, cwd=tmp_path)
    assert "total: 9 runs, 3 dataset rows" in planned.stdout.splitlines()
    done = enchanted("run", config, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "done: 9 runs, 3 dataset rows: 3 succeeded, 0 failed;" in done.stderr
    assert "9 runs, 3/3 dataset rows done" in done.stderr
    status_file = (tmp_path / "runs" / "logs" / "current_progress.txt").read_text()
    assert "completed: 3/3\nruns: 9\n" in status_file
