"""Whole campaigns on a real 2-worker Dask LocalCluster: the same dataset as the local
executor, failed rows for broken runners, and a worker killed with SIGKILL mid-campaign."""

from __future__ import annotations

import os
import shutil
import signal
import threading
from pathlib import Path

import pytest
from campaign_configs import basic_config

import enchanted_surrogates

pytestmark = [pytest.mark.integration, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
DASK = {"type": "DaskExecutor", "LocalCluster_config": {"n_workers": 2}}
COMPARED = ["x", "y", "output", "success", "status", "error", "success_r1"]


def _on_dask(config: dict) -> dict:
    config["executors"]["e1"] = dict(DASK)
    return config


def _by_run(df):
    df = df.assign(run=[Path(d).name for d in df["run_dir"]])
    return df.sort_values("run").set_index("run")


def test_a_campaign_gives_the_same_dataset_as_the_local_executor(tmp_path):
    runner = {"type": "SyntheticDoubleGaussianRunner", "dimensions": 2}
    sampler = {
        "type": "SobolSequenceSampler",
        "parameters": ["x", "y"],
        "bounds": [[0.0, 1.0], [0.0, 1.0]],
        "budget": 32,
        "seed": 7,
    }
    local = enchanted_surrogates.run(basic_config(tmp_path / "local", runner, sampler))
    dask = enchanted_surrogates.run(_on_dask(basic_config(tmp_path / "dask", runner, sampler)))
    assert len(dask) == 32 and (dask["status"] == "SUCCESS").all()
    assert _by_run(dask)[COMPARED].equals(_by_run(local)[COMPARED])


def test_save_files_and_local_storage_work_on_dask_workers(tmp_path, monkeypatch):
    local = tmp_path / "node-local"
    local.mkdir()
    monkeypatch.setenv("ES_DASK_SCRATCH", str(local))  # inherited by the LocalCluster
    sampler = {
        "type": "RandomSampler",
        "parameters": ["x1", "x2"],
        "bounds": [[0, 1], [0, 1]],
        "budget": 8,
        "seed": 1,
    }
    config = basic_config(
        tmp_path / "c",
        {"type": "es_test_plugins:FileWriterRunner"},
        sampler,
        save_files="custom",
        save_files_list=["out.dat"],
        local_storage="ES_DASK_SCRATCH",
    )
    df = enchanted_surrogates.run(_on_dask(config))
    assert len(df) == 8 and df["success"].all()
    assert df["worked_in"].str.startswith(str(local)).all()
    for run_dir in df["run_dir"]:
        assert sorted(p.name for p in Path(run_dir).iterdir()) == ["out.dat"]
    assert list(local.iterdir()) == []


def test_save_files_none_leaves_no_directory_of_a_crashed_run(tmp_path):
    sampler = {"type": "ArraySampler", "parameters": ["x"], "values": [[0.0, 1.0, 2.0]]}
    config = basic_config(
        tmp_path / "c",
        {"type": "es_test_plugins:CrashRunner", "crash_at": 0.0},
        sampler,
        save_files="none",
    )
    config = _on_dask(config)
    config["executors"]["e1"]["crash_attempts"] = 2
    df = enchanted_surrogates.run(config)
    assert sorted(df["status"]) == ["CRASHED", "SUCCESS", "SUCCESS"]
    assert list((tmp_path / "c" / "data").iterdir()) == []


@pytest.mark.parametrize(
    ("runner", "error"),
    [
        ({"type": "es_test_plugins:RaisingRunner", "threshold": -1.0}, "ValueError: boom"),
        ({"type": "es_test_plugins:NoSuccessRunner"}, "runner returned no 'success' key"),
        ({"type": "es_import_fails:UnimportableOnWorkers"}, "libsimulation.so"),
    ],
)
def test_broken_runners_give_failed_rows_and_the_campaign_ends(tmp_path, runner, error):
    config = basic_config(tmp_path / "c", runner, stop_if_first_runs_fail=0)
    df = enchanted_surrogates.run(_on_dask(config))
    assert len(df) == 8
    assert (df["status"] == "FAILED").all() and not df["success"].any()
    assert df["error"].str.contains(error, regex=False).all()


def test_a_worker_killed_mid_campaign_loses_no_row_and_repeats_none(tmp_path):
    sampler = {
        "type": "RandomSampler",
        "parameters": ["x"],
        "bounds": [[0.0, 1.0]],
        "budget": 24,
        "seed": 5,
    }
    runner = {"type": "es_test_plugins:CountingRunner", "sleep": 0.2}
    config = _on_dask(basic_config(tmp_path / "c", runner, sampler))
    data = tmp_path / "c" / "data"
    killed: list[int] = []

    def kill_a_worker_in_the_middle() -> None:
        while len(killed) == 0:
            started = sorted(data.glob("*/invocations.txt")) if data.exists() else []
            if len(started) >= 8:
                pid = int(started[-1].read_text().split()[0])
                assert pid != os.getpid()
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
            threading.Event().wait(0.05)

    killer = threading.Thread(target=kill_a_worker_in_the_middle, daemon=True)
    killer.start()
    df = enchanted_surrogates.run(config)
    killer.join(timeout=1)
    assert killed, "the campaign ended before a worker could be killed"
    assert len(df) == 24 and (df["status"] == "SUCCESS").all()
    assert df["run_dir"].is_unique
    journal = (tmp_path / "c" / "journal.jsonl").read_text().splitlines()
    finished = [line for line in journal if '"event":"finished"' in line]
    assert len(finished) == 24
    # the run the dead worker was executing was re-run from a clean run directory
    for run_dir in df["run_dir"]:
        assert len((Path(run_dir) / "invocations.txt").read_text().split()) == 1


def test_the_dask_examples_validate_and_the_local_one_runs(tmp_path, enchanted):
    for name in ("dask_local.yaml", "slurm.yaml"):
        shutil.copy(REPO / "examples" / name, tmp_path / name)
        checked = enchanted("validate", name, cwd=tmp_path)
        assert checked.returncode == 0, checked.stderr
    done = enchanted("run", "dask_local.yaml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "done: 64 runs, 64 dataset rows: 64 succeeded" in done.stdout + done.stderr


def test_ctrl_c_on_a_dask_campaign_prints_a_few_lines_not_tracebacks(tmp_path, cli_env):
    # a terminal's Ctrl-C reaches the whole process group: the workers too
    import subprocess
    import time

    from campaign_configs import write_config
    from processes import start_run

    sampler = {"type": "ArraySampler", "parameters": ["sleep"], "values": [[3.0] * 8]}
    config = basic_config(tmp_path / "c", {"type": "es_test_plugins:SleepRunner"}, sampler)
    config["executors"]["e1"] = {
        "type": "DaskExecutor",
        "LocalCluster_config": {"n_workers": 2, "threads_per_worker": 1},
    }
    path = write_config(tmp_path / "c.yaml", config)
    proc = start_run(path, cli_env, cwd=tmp_path, stderr=subprocess.PIPE, own_session=True)
    journal = tmp_path / "c" / "journal.jsonl"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and '"submitted"' not in (
        journal.read_text() if journal.exists() else ""
    ):
        time.sleep(0.2)
    time.sleep(1.0)  # the runs are executing on the workers
    os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    after = stderr.split("SIGINT received", 1)[1].strip().splitlines()
    assert len(after) <= 8, stderr  # was ~70 lines of worker tracebacks
    assert "--resume" in stderr.strip().splitlines()[-1]
