"""Resuming from journal.checkpoint: dataset files kept when a resume adds no row, rewritten
when one does or when they changed, and kill -9 in the middle of a checkpointed campaign."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest
from campaign_configs import basic_config, write_config, xy_sampler

import enchanted_surrogates
from enchanted_surrogates.journal import checkpoint as journal_checkpoint
from enchanted_surrogates.journal.checkpoint import checkpoint_path
from enchanted_surrogates.supervisor import checkpoint

pytestmark = pytest.mark.integration

SUM = {"type": "SumRunner", "params_to_sum": ["x", "y"]}

# `enchanted` with checkpoints and dataset stamps at any journal size
CLI = (
    "import sys\n"
    "from enchanted_surrogates.journal import checkpoint as journal_checkpoint\n"
    "from enchanted_surrogates.supervisor import checkpoint\n"
    "journal_checkpoint.SAVE_AFTER_BYTES = 0\n"
    "checkpoint.STAMP_AFTER_BYTES = 0\n"
    "from enchanted_surrogates.cli.main import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


@pytest.fixture
def always_checkpoint(monkeypatch):
    monkeypatch.setattr(journal_checkpoint, "SAVE_AFTER_BYTES", 0)
    monkeypatch.setattr(checkpoint, "STAMP_AFTER_BYTES", 0)


def _config(base, budget, **supervisor):
    config = basic_config(base, SUM, xy_sampler(budget, seed=5), save_files="none", **supervisor)
    config["logging"] = "INFO"
    return config


def _files(base):
    names = ["enchanted_dataset.csv", "enchanted_dataset.parquet", "runs.h5"]
    return {name: (base / name).stat().st_mtime_ns for name in names}


def test_a_resume_with_nothing_to_run_keeps_the_dataset_files(tmp_path, always_checkpoint):
    base = tmp_path / "camp"
    config = _config(base, 30, summary_datatype="both")
    config["storage"] = {"type": "hdf5"}
    first = enchanted_surrogates.run(config)
    assert checkpoint_path(base / "journal.jsonl").exists()
    written = _files(base)
    again = enchanted_surrogates.run(config, run_mode="resume")
    assert _files(base) == written  # not one of them rewritten
    assert "dataset files kept" in (base / "logs" / "main.log").read_text()
    pd.testing.assert_frame_equal(again, first)
    assert len(pd.read_parquet(base / "enchanted_dataset.parquet")) == 30


def test_a_dataset_file_changed_since_its_stamp_is_rewritten(tmp_path, always_checkpoint):
    base = tmp_path / "camp"
    config = _config(base, 20)
    enchanted_surrogates.run(config)
    csv = base / "enchanted_dataset.csv"
    csv.write_text(csv.read_text().splitlines()[0] + "\n")  # the rows lost
    df = enchanted_surrogates.run(config, run_mode="resume")
    assert len(df) == 20 and len(pd.read_csv(csv)) == 20
    assert "dataset files kept" not in (base / "logs" / "main.log").read_text()


def test_an_extend_after_a_kept_resume_writes_every_row_once(tmp_path, always_checkpoint):
    base = tmp_path / "camp"
    enchanted_surrogates.run(_config(base, 20))
    enchanted_surrogates.run(_config(base, 20), run_mode="resume")  # kept
    df = enchanted_surrogates.run(_config(base, 15), run_mode="extend")
    assert len(df) == 35 and df["run_dir"].is_unique
    assert (df["output"] == df["x"] + df["y"]).all()
    on_disk = pd.read_csv(base / "enchanted_dataset.csv")
    assert sorted(on_disk["run_dir"]) == sorted(df["run_dir"])


@pytest.mark.slow
@pytest.mark.parametrize("trial", range(3))
def test_kill_9_of_an_extend_after_a_checkpoint_then_resume(tmp_path, cli_env, trial):
    base = tmp_path / "camp"

    def config(budget, mode):
        slow = _config(base, budget, run_mode=mode)
        slow["runners"]["r1"] = {"type": "ExampleRunner", "sleep_sec": 0.02}
        return write_config(tmp_path / f"{mode}.yaml", slow)

    def cli(path):
        return [sys.executable, "-c", CLI, "run", str(path)]

    first = subprocess.run(cli(config(40, "fresh")), env=cli_env, capture_output=True, timeout=180)
    assert first.returncode == 0, first.stderr
    assert checkpoint_path(base / "journal.jsonl").exists()
    process = subprocess.Popen(
        cli(config(160, "extend")),
        env=cli_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    journal = base / "journal.jsonl"
    before = journal.stat().st_size
    deadline = time.monotonic() + 120
    while journal.stat().st_size < before + 2000 * (trial + 1) and time.monotonic() < deadline:
        time.sleep(0.05)  # until the extend has journaled some runs, whatever the load
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    # an interrupted extend is finished by resume (the journal holds its target)
    done = subprocess.run(
        cli(config(40, "resume")), env=cli_env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    df = pd.read_csv(base / "enchanted_dataset.csv")
    assert len(df) == 200 and df["run_dir"].is_unique
    assert not df.duplicated(["x", "y"]).any()
    assert (df["status"] == "SUCCESS").all()
