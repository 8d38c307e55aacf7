"""`enchanted status` on a campaign that is running, finished, or was killed."""

from __future__ import annotations

import json
import os
import signal
import time

import pytest
from campaign_configs import basic_config, write_config

pytestmark = pytest.mark.integration


def _sleepy(base, n: int, fail: bool = False, sleep: float = 0.15) -> dict:
    runner = {"type": "es_test_plugins:SleepRunner"}
    config = basic_config(
        base,
        runner,
        {"type": "ArraySampler", "parameters": ["sleep"], "values": [[sleep] * n]},
    )
    if fail:
        config["runners"]["r1"] = {"type": "es_test_plugins:ThresholdRunner"}
        config["samplers"]["s1"] = {
            "type": "RandomSampler",
            "parameters": ["x1", "x2"],
            "bounds": [[0, 1], [0, 1]],
            "budget": n,
            "seed": 1,
        }
    return config


def _finals(journal, events: int) -> tuple[int, int]:
    rows = ok = 0
    with open(journal) as handle:
        for _, line in zip(range(events), handle):
            event = json.loads(line)
            if event["event"] in ("finished", "failed") and event.get("final"):
                rows += 1
                ok += event["event"] == "finished"
    return rows, ok


def _wait_for_rows(journal, n: int, proc) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if journal.exists() and journal.read_text().count('"final":true') >= n:
            return
        time.sleep(0.05)
    raise AssertionError("the campaign did not get going")


def test_status_of_a_running_campaign_matches_its_journal(tmp_path, enchanted, start_campaign):
    base = tmp_path / "run"
    path = write_config(tmp_path / "c.yaml", _sleepy(base, 40, sleep=0.3))
    proc = start_campaign(path, tmp_path)
    try:
        _wait_for_rows(base / "journal.jsonl", 4, proc)
        refused = enchanted("rebuild", base, cwd=tmp_path)  # it would race the writer
        assert refused.returncode == 2 and f"pid {proc.pid}" in refused.stderr
        done = enchanted("status", base, "--json", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        status = json.loads(done.stdout)
        assert status["state"] == "running" and status["driver_pid"] == proc.pid
        rows, ok = _finals(base / "journal.jsonl", status["events"])
        assert (status["rows"], status["succeeded"]) == (rows, ok)
        assert 4 <= rows < 40 and status["planned"] == 40
        assert status["levels"][0]["stages"][0]["runner"] == "r1"
        assert status["running"] >= 1 and status["eta_sec"] is not None
        # 2 workers: the runs handed out beyond them are queued, not running
        assert status["running"] <= 2 and status["queued"] >= 1
        assert status["levels"][0]["stages"][0]["slots"] == 2
        text = enchanted("status", base, cwd=tmp_path)
        assert text.returncode == 0 and "r1" in text.stdout
        header = next(line for line in text.stdout.splitlines() if " rows, " in line)
        assert " running, " in header and " queued; " in header and "ETA" in header  # unwrapped
    finally:
        assert proc.wait(timeout=120) == 0
    status = json.loads(enchanted("status", base, "--json", cwd=tmp_path).stdout)
    assert status["state"] == "finished" and status["rows"] == 40 and status["running"] == 0
    assert status["driver_pid"] is None


def test_status_names_failures_and_a_killed_campaign(tmp_path, enchanted, start_campaign):
    base = tmp_path / "run"
    path = write_config(tmp_path / "c.yaml", _sleepy(base, 30, fail=True))
    assert enchanted("run", path, cwd=tmp_path).returncode == 0
    status = json.loads(enchanted("status", base, "--json", cwd=tmp_path).stdout)
    assert status["failed"] > 0 and status["failures_by_status"] == {"FAILED": status["failed"]}
    assert status["common_errors"][0][1] == status["failed"]
    watch = enchanted("status", base, "--watch", "0.1", cwd=tmp_path)
    assert watch.returncode == 0 and "finished" in watch.stdout

    killed = tmp_path / "killed"
    path = write_config(tmp_path / "k.yaml", _sleepy(killed, 40))
    proc = start_campaign(path, tmp_path)
    _wait_for_rows(killed / "journal.jsonl", 2, proc)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    status = json.loads(enchanted("status", killed, "--json", cwd=tmp_path).stdout)
    assert status["state"] == "stopped" and status["driver_pid"] is None
    text = enchanted("status", killed, cwd=tmp_path).stdout
    assert "--resume" in text


def test_status_of_a_folder_without_a_journal_is_a_usage_error(tmp_path, enchanted):
    done = enchanted("status", tmp_path, cwd=tmp_path)
    assert done.returncode == 2 and "journal.jsonl" in done.stderr
