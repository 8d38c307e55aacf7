"""`enchanted run CFG --resume --retry-failed`: runs that failed because of their
environment (here: a file they need is missing) run again in place once it is fixed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from campaign_configs import basic_config, write_config

import enchanted_surrogates as es
from enchanted_surrogates.journal import read_journal

pytestmark = pytest.mark.integration

RUN = [sys.executable, "-m", "enchanted_surrogates", "run"]


def gated(needed: Path, when: str = "0.[5-9]*", sleep: float = 0.0) -> dict:
    """A CommandRunner entry whose runs with x matching `when` fail (exit 3, leaving
    left.txt behind) while `needed` does not exist; every attempt adds a line to
    attempts.txt, so a run dir that was not emptied shows two."""
    script = (
        f"sleep {sleep}; echo attempt >> attempts.txt; "
        'case "$1" in ' + when + ') test -f "$NEEDED" || (echo left > left.txt; exit 3) ;; esac'
    )
    return {
        "type": "CommandRunner",
        "command": ["sh", "-c", script, "sh", "{x}"],
        "env": {"NEEDED": str(needed)},
    }


def single_config(tmp_path: Path, **runner_options) -> Path:
    config = basic_config(
        tmp_path / "runs", gated(tmp_path / "needed", **runner_options), stop_if_first_runs_fail=0
    )
    return write_config(tmp_path / "c.yaml", config)


def events(base: Path, kind: str) -> list[dict]:
    return [e for e in read_journal(base / "journal.jsonl") if e["event"] == kind]


def dataset(base: Path, name: str = "enchanted_dataset.csv") -> pd.DataFrame:
    return pd.read_csv(base / name)


def attempts(run_dir: str) -> int:
    return len((Path(run_dir) / "attempts.txt").read_text().splitlines())


def test_failed_runs_rerun_in_place_once_the_environment_is_fixed(tmp_path, enchanted):
    path = single_config(tmp_path)
    base = tmp_path / "runs"
    first = enchanted("run", path, "-q", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert f"{path} --resume --retry-failed" in first.stderr  # offered when runs failed
    before = dataset(base).set_index("run_dir")
    failed = set(before.index[before["status"] == "FAILED"])
    succeeded = set(before.index[before["status"] == "SUCCESS"])
    assert failed and succeeded and len(before) == 8

    kept = enchanted("run", path, "--resume", "-q", cwd=tmp_path)  # resume alone keeps them
    assert kept.returncode == 0, kept.stderr
    assert (dataset(base)["status"] == "FAILED").sum() == len(failed)

    (tmp_path / "needed").touch()
    done = enchanted("run", path, "--resume", "--retry-failed", "-q", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    after = dataset(base)
    assert len(after) == 8 and after["run_dir"].is_unique
    assert (after["status"] == "SUCCESS").all()
    after = after.set_index("run_dir")
    assert set(after.index) == failed | succeeded  # the same run directories
    assert after.loc[sorted(before.index), ["x", "y"]].equals(before[["x", "y"]].sort_index())
    for run_dir in failed:  # emptied before the new attempt
        assert not (Path(run_dir) / "left.txt").exists()
        assert attempts(run_dir) == 1
    for run_dir in succeeded:  # never run again
        assert attempts(run_dir) == 1

    # the journal keeps both attempts: same run id, a failed row, the reopening, the new row
    failed_ids = {Path(d).name for d in failed}
    assert {e["run_id"] for e in events(base, "reopened")} == failed_ids
    for run_id in failed_ids:
        submitted = [e["attempt"] for e in events(base, "submitted") if e["run_id"] == run_id]
        assert submitted == [1, 2]
        rows = [
            e["event"]
            for e in read_journal(base / "journal.jsonl")
            if e.get("run_id") == run_id and e.get("final")
        ]
        assert rows == ["failed", "finished"]

    status = enchanted("status", base, "--json", cwd=tmp_path)
    counts = json.loads(status.stdout)
    assert (counts["rows"], counts["succeeded"], counts["failures_by_status"]) == (8, 8, {})
    (base / "enchanted_dataset.csv").unlink()
    assert enchanted("rebuild", base, cwd=tmp_path).returncode == 0
    rebuilt = dataset(base)
    assert len(rebuilt) == 8 and (rebuilt["status"] == "SUCCESS").all()

    again = enchanted("run", path, "--resume", "--retry-failed", "-q", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert len(events(base, "reopened")) == len(failed)  # nothing left to retry


def test_only_the_named_statuses_are_retried_and_unknown_ones_are_refused(tmp_path, enchanted):
    path = single_config(tmp_path)
    base = tmp_path / "runs"
    assert enchanted("run", path, "-q", cwd=tmp_path).returncode == 0
    (tmp_path / "needed").touch()
    journal = (base / "journal.jsonl").read_bytes()

    for args in (["--resume", "--retry-failed", "BOGUS"], ["--retry-failed"]):
        refused = enchanted("run", path, *args, cwd=tmp_path)
        assert refused.returncode == 2
        assert len(refused.stderr.strip().splitlines()) == 1, refused.stderr
        assert "--retry-failed" in refused.stderr and "Traceback" not in refused.stderr
        assert (base / "journal.jsonl").read_bytes() == journal

    other = enchanted("run", path, "--resume", "--retry-failed", "crashed", "Timeout", cwd=tmp_path)
    assert other.returncode == 0, other.stderr
    assert (dataset(base)["status"] == "FAILED").any()
    assert not events(base, "reopened")

    frame = es.run(path, run_mode="resume", retry_failed=["failed"])
    assert len(frame) == 8 and (frame["status"] == "SUCCESS").all()


def test_a_sequential_chain_reruns_the_stage_that_failed(tmp_path, enchanted):
    needed = tmp_path / "needed"
    config = basic_config(tmp_path / "runs", gated(needed, when="never"), stop_if_first_runs_fail=0)
    config["runners"]["r2"] = gated(needed, when="*")  # the second stage needs the file
    config["supervisor"]["run_order"] = [
        {"executor": ["e1", "e1"], "sampler": "s1", "runner": ["r1", "r2"]}
    ]
    path = write_config(tmp_path / "c.yaml", config)
    base = tmp_path / "runs"
    assert enchanted("run", path, "-q", cwd=tmp_path).returncode == 4  # every chain failed
    assert dataset(base)["run_dir"].str.endswith("_r1").all()

    needed.touch()
    done = enchanted("run", path, "--resume", "--retry-failed", "-q", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    df = dataset(base)
    assert len(df) == 8 and (df["status"] == "SUCCESS").all()
    assert df["success_r1"].all() and df["success_r2"].all()
    assert df["run_dir"].str.endswith("_r1").all() and df["run_dir"].is_unique
    for run_dir in df["run_dir"]:
        assert attempts(run_dir) == 1 and not (Path(run_dir) / "left.txt").exists()
        assert attempts(run_dir[: -len("_r1")] + "_r0") == 1  # the first stage stood
    assert {e["stage"] for e in events(base, "reopened")} == {1}


def test_a_nested_parent_that_now_succeeds_fans_out_its_children(tmp_path, enchanted):
    needed = tmp_path / "needed"
    config = basic_config(tmp_path / "runs", gated(needed), stop_if_first_runs_fail=0)
    config["samplers"]["s1"]["budget"] = 4
    config["samplers"]["s2"] = {
        "type": "RandomSampler",
        "parameters": ["z"],
        "bounds": [[0.0, 1.0]],
        "budget": 3,
        "seed": 5,
    }
    config["runners"]["r2"] = gated(needed, when="never")
    config["supervisor"]["run_order"].append({"executor": "e1", "sampler": "s2", "runner": "r2"})
    path = write_config(tmp_path / "c.yaml", config)
    base = tmp_path / "runs"
    assert enchanted("run", path, "-q", cwd=tmp_path).returncode == 0
    name = "enchanted_all_levels_dataset.csv"
    before = dataset(base, name)
    parents = before[before["level"] == 0]
    failed = parents[parents["status"] == "FAILED"]
    assert len(failed) and len(before) == 4 + 3 * (4 - len(failed))

    needed.touch()
    done = enchanted("run", path, "--resume", "--retry-failed", "-q", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    after = dataset(base, name)
    assert len(after) == 4 + 4 * 3 and (after["status"] == "SUCCESS").all()
    assert after["run_dir"].is_unique
    children = after[after["level"] == 1]
    for x in failed["x"]:
        assert (children["x"] == x).sum() == 3  # the retried parent's children ran
    retried = after[after["run_dir"].isin(failed["run_dir"])]
    assert len(retried) == len(failed) and (retried["level"] == 0).all()


@pytest.mark.slow
def test_kill_9_during_a_retry_then_resume_is_consistent(tmp_path, cli_env, enchanted):
    path = single_config(tmp_path, sleep=0.4)
    base = tmp_path / "runs"
    assert enchanted("run", path, "-q", cwd=tmp_path).returncode == 0
    failed = set(dataset(base).query("status == 'FAILED'")["run_dir"])
    (tmp_path / "needed").touch()
    process = subprocess.Popen(
        [*RUN, str(path), "--resume", "--retry-failed", "-q"],
        cwd=tmp_path,
        env=cli_env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not any(e["attempt"] == 2 for e in _submitted(base)):
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)

    done = enchanted("run", path, "--resume", "-q", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    df = dataset(base)
    assert len(df) == 8 and df["run_dir"].is_unique
    assert (df["status"] == "SUCCESS").all()
    for run_dir in failed:
        assert attempts(run_dir) == 1 and not (Path(run_dir) / "left.txt").exists()
    finals = [e for e in read_journal(base / "journal.jsonl") if e.get("final")]
    assert len(finals) == 8 + len(failed)  # each failure once, then its one new row


def _submitted(base: Path) -> list[dict]:
    try:
        return events(base, "submitted")
    except FileNotFoundError:
        return []


def secret_config(tmp_path: Path) -> Path:
    runner = gated(tmp_path / "needed")
    runner["env"]["TOKEN"] = "{secrets.licence.token}"
    config = basic_config(tmp_path / "runs", runner, stop_if_first_runs_fail=0)
    return write_config(tmp_path / "c.yaml", config)


def test_a_campaign_without_the_secrets_its_config_needs_is_refused_before_anything_runs(
    tmp_path, enchanted
):
    path = secret_config(tmp_path)
    refused = enchanted("run", path, cwd=tmp_path)
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == [refused.stderr.strip()], refused.stderr
    assert "runners.r1.env.TOKEN needs secret licence.token" in refused.stderr
    assert not (tmp_path / "runs").exists()


def test_a_retry_without_the_secrets_is_refused_before_anything_runs(tmp_path, enchanted):
    path = secret_config(tmp_path)
    base = tmp_path / "runs"
    secrets_file = tmp_path / "secrets.ini"
    secrets_file.write_text("[licence]\ntoken = abc\n")
    first = enchanted("run", path, "--secrets", secrets_file, "-q", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    (tmp_path / "needed").touch()
    journal = (base / "journal.jsonl").read_bytes()
    listing = sorted(p.name for p in (base / "data").iterdir())

    refused = enchanted("run", path, "--resume", "--retry-failed", cwd=tmp_path)
    assert refused.returncode == 2
    assert len(refused.stderr.strip().splitlines()) == 1, refused.stderr
    assert "licence.token" in refused.stderr and "--secrets" in refused.stderr
    assert (base / "journal.jsonl").read_bytes() == journal
    assert sorted(p.name for p in (base / "data").iterdir()) == listing

    args = ("--resume", "--retry-failed", "--secrets", secrets_file, "-q")
    done = enchanted("run", path, *args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (dataset(base)["status"] == "SUCCESS").all()
