"""A broken setup is caught early and loudly; -v shows what a debugging user needs."""

from __future__ import annotations

import json

import pytest
from campaign_configs import basic_config, write_config

pytestmark = pytest.mark.integration


def _misspelt_program(tmp_path, budget: int, **supervisor):
    runner = {"type": "CommandRunner", "command": ["simulaton_not_installed", "{x}"]}
    sampler = {
        "type": "RandomSampler",
        "parameters": ["x"],
        "bounds": [[0.0, 1.0]],
        "budget": budget,
        "seed": 1,
    }
    config = basic_config(tmp_path / "runs", runner, sampler, **supervisor)
    config["executors"]["e1"]["max_workers"] = 1
    return write_config(tmp_path / "c.yaml", config)


def _finished_rows(base):
    events = [json.loads(line) for line in (base / "journal.jsonl").read_text().splitlines()]
    return [e for e in events if e.get("event") in ("finished", "failed")]


def test_a_misspelt_program_stops_the_campaign_after_the_first_runs(tmp_path, enchanted):
    config = _misspelt_program(tmp_path, budget=40)
    done = enchanted("run", config, cwd=tmp_path)
    assert done.returncode == 3, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert "the first 5 runs all failed" in last and "simulaton_not_installed" in last
    assert "--resume" in last
    assert 5 <= len(_finished_rows(tmp_path / "runs")) < 40
    # one warning each for the first failures only, not one per run
    assert done.stderr.count("WARNING: run ") <= 5


def test_every_run_failing_exits_non_zero_even_below_the_early_stop(tmp_path, enchanted):
    config = _misspelt_program(tmp_path, budget=3)
    done = enchanted("run", config, cwd=tmp_path)
    assert done.returncode == 4, done.stderr
    assert "every run failed" in done.stderr


def test_the_early_stop_can_be_switched_off(tmp_path, enchanted):
    config = _misspelt_program(tmp_path, budget=8, stop_if_first_runs_fail=0)
    done = enchanted("run", config, cwd=tmp_path)
    assert done.returncode == 4, done.stderr
    assert len(_finished_rows(tmp_path / "runs")) == 8
    assert done.stderr.count("WARNING: run ") == 5  # the rest go to logs/failures.log
    assert (tmp_path / "runs" / "logs" / "failures.log").read_text().count("params:") == 8


def test_verbose_adds_debug_lines_that_the_default_lacks(tmp_path, enchanted):
    runner = {"type": "SumRunner", "params_to_sum": ["x", "y"]}
    write_config(tmp_path / "c.yaml", basic_config(tmp_path / "runs", runner))
    default = enchanted("run", tmp_path / "c.yaml", cwd=tmp_path)
    verbose = enchanted("run", "-v", "--force", tmp_path / "c.yaml", cwd=tmp_path)
    assert default.returncode == 0 and verbose.returncode == 0, verbose.stderr
    assert "DEBUG" not in default.stderr
    for needle in (
        "DEBUG: config ",
        "DEBUG: executor e1: LocalExecutor",
        "DEBUG: submit ",
        "DEBUG: finished ",
    ):
        assert needle in verbose.stderr, needle
    assert verbose.stderr.count("DEBUG: finished ") == 8


def test_validate_warns_when_the_program_is_not_on_this_machine(tmp_path, enchanted):
    config = _misspelt_program(tmp_path, budget=4)
    done = enchanted("validate", config, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "runners.r1: command: program 'simulaton_not_installed' is not on PATH" in done.stderr
    assert not (tmp_path / "runs").exists()


def test_a_deprecation_warning_is_printed_once_and_not_with_quiet(tmp_path, enchanted):
    runner = {"type": "SumRunner", "params_to_sum": ["x", "y"], "parameter_mode": "all"}
    write_config(tmp_path / "c.yaml", basic_config(tmp_path / "runs", runner))
    default = enchanted("run", tmp_path / "c.yaml", cwd=tmp_path)
    quiet = enchanted("run", "-q", "--force", tmp_path / "c.yaml", cwd=tmp_path)
    assert default.returncode == 0 and quiet.returncode == 0, quiet.stderr
    assert default.stderr.count("parameter_mode is ignored (deprecated)") == 1
    assert "deprecated" not in quiet.stderr
    log = (tmp_path / "runs" / "logs" / "main.log").read_text()
    assert "parameter_mode is ignored (deprecated)" in log
