"""Crash-safe resume and extend, with real processes, real signals and real kill -9."""

from __future__ import annotations

import glob
import json
import os
import random
import signal
import time

import pandas as pd
import pytest
from campaign_configs import write_config
from processes import start_quiet_run

from enchanted_surrogates.journal import read_journal
from enchanted_surrogates.samplers.random import RandomSampler

pytestmark = [pytest.mark.integration, pytest.mark.slow]

COUNTING = {"type": "es_test_plugins:CountingRunner", "sleep": 0.004}


def _sampler(param, budget, seed):
    return {
        "type": "RandomSampler",
        "parameters": [param],
        "bounds": [[0.0, 1.0]],
        "budget": budget,
        "seed": seed,
    }


def single(base, seed):
    return {
        "executors": {"e": {"type": "LocalExecutor", "max_workers": 2}},
        "samplers": {"s": _sampler("x", 240, seed)},
        "runners": {"r": COUNTING},
        "supervisor": {
            "base_run_dir": str(base),
            "run_order": [{"sampler": "s", "executor": "e", "runner": "r"}],
        },
    }


def nested(base, seed):
    return {
        "executors": {"e": {"type": "LocalExecutor", "max_workers": 2}},
        "samplers": {"s0": _sampler("x", 12, seed), "s1": _sampler("y", 15, seed + 1)},
        "runners": {"r": COUNTING},
        "supervisor": {
            "base_run_dir": str(base),
            "run_order": [
                {"sampler": "s0", "executor": "e", "runner": "r"},
                {"sampler": "s1", "executor": "e", "runner": "r"},
            ],
        },
    }


def sequential(base, seed):
    return {
        "executors": {"e": {"type": "LocalExecutor", "max_workers": 2}},
        "samplers": {"s": _sampler("x", 120, seed)},
        "runners": {"r1": COUNTING, "r2": COUNTING},
        "supervisor": {
            "base_run_dir": str(base),
            "run_order": [{"sampler": "s", "executor": ["e", "e"], "runner": ["r1", "r2"]}],
        },
    }


def expected_rows(kind):
    return {"single": 240, "nested": 12 + 12 * 15, "sequential": 120}[kind]


def expected_points(config):
    """The points an uninterrupted campaign asks, per level, from the seeded samplers."""
    points = {}
    for level, entry in enumerate(config["supervisor"]["run_order"]):
        options = {k: v for k, v in config["samplers"][entry["sampler"]].items() if k != "type"}
        sampler = RandomSampler(**options)
        points[level] = sorted(p[sampler.parameters[0]] for p in sampler.ask(sampler.budget))
    return points


def assert_each_run_once(base):
    """Every run directory's runner was invoked exactly once (never repeated)."""
    paths = glob.glob(str(base / "data" / "*" / "invocations.txt"))
    assert paths
    for path in paths:
        with open(path) as handle:
            assert len(handle.read().split()) == 1, f"{path} ran more than once"


def finished_before(base):
    """run_dir -> row of every chain that had ended when the campaign died."""
    journal = base / "journal.jsonl"
    if not journal.exists():
        return {}
    return {
        e["row"]["run_dir"]: e["row"]
        for e in read_journal(journal)
        if e["event"] in ("finished", "failed") and e.get("final")
    }


def check_campaign(base, config, kind, before):
    name = "enchanted_all_levels_dataset.csv" if kind == "nested" else "enchanted_dataset.csv"
    df = pd.read_csv(base / name)
    assert len(df) == expected_rows(kind)
    assert (df["status"] == "SUCCESS").all()
    assert df["run_dir"].is_unique
    keys = ["level", "x", "y"] if kind == "nested" else ["x"]
    assert not df.duplicated(keys).any()
    # every chain that had finished before the stop kept its row and was not run again
    by_dir = df.set_index("run_dir")
    for run_dir, row in before.items():
        assert by_dir.loc[run_dir, "output"] == pytest.approx(row["output"])
    assert_each_run_once(base)
    # the points are those of an uninterrupted campaign with the same seeds
    points = expected_points(config)
    if kind == "nested":
        assert sorted(df[df["level"] == 0]["x"]) == pytest.approx(points[0])
        assert sorted(df[df["level"] == 1]["y"].unique()) == pytest.approx(points[1])
    else:
        assert sorted(df["x"]) == pytest.approx(points[0])
    if kind == "sequential":
        assert df["output"].to_numpy() == pytest.approx(2 * df["x"].to_numpy())
        assert df["run_dir"].str.endswith("_r1").all()


KINDS = {"single": single, "nested": nested, "sequential": sequential}


@pytest.mark.parametrize("trial", range(20))
def test_kill_9_at_a_random_moment_then_resume(tmp_path, cli_env, trial):
    rng = random.Random(trial)
    kind = ["single", "nested", "sequential"][trial % 3]
    base = tmp_path / "camp"
    config = KINDS[kind](base, seed=100 + trial)
    path = write_config(tmp_path / "c.yaml", config)
    process = start_quiet_run(path, cli_env)
    time.sleep(rng.uniform(0.4, 1.6))
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    before = finished_before(base)
    done = start_quiet_run(path, cli_env, "--resume")
    _, err = done.communicate(timeout=180)
    assert done.returncode == 0, err
    check_campaign(base, config, kind, before)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_and_sigint_stop_within_5_seconds_and_resume(tmp_path, cli_env, signum):
    base = tmp_path / "camp"
    config = sequential(base, seed=7)
    config["samplers"]["s"]["budget"] = 10
    config["runners"] = {"r1": {**COUNTING, "sleep": 1.0}, "r2": {**COUNTING, "sleep": 30.0}}
    path = write_config(tmp_path / "c.yaml", config)
    process = start_quiet_run(path, cli_env)
    deadline = time.monotonic() + 60
    while (
        not any(e["event"] == "submitted" and e["stage"] == 1 for e in _events(base))
        and time.monotonic() < deadline
    ):
        time.sleep(0.1)
    stopped_at = time.monotonic()
    process.send_signal(signum)
    _, err = process.communicate(timeout=30)
    assert time.monotonic() - stopped_at < 5
    assert process.returncode == 128 + signum
    assert f"enchanted run {path} --resume" in err
    assert "Traceback" not in err
    assert _events(base)[-1]["event"] == "interrupted"
    before = finished_before(base)
    config["runners"]["r2"]["sleep"] = 0.004  # harmless drift: runner options
    write_config(path, config)
    done = start_quiet_run(path, cli_env, "--resume")
    _, err = done.communicate(timeout=120)
    assert done.returncode == 0, err
    df = pd.read_csv(base / "enchanted_dataset.csv")
    assert len(df) == 10 and (df["status"] == "SUCCESS").all()
    by_dir = df.set_index("run_dir")
    for run_dir, row in before.items():
        assert by_dir.loc[run_dir, "output"] == pytest.approx(row["output"])
    assert_each_run_once(base)


def _events(base):
    journal = base / "journal.jsonl"
    return list(read_journal(journal)) if journal.exists() else []


def _run(enchanted, tmp_path, config, *args):
    path = write_config(tmp_path / "c.yaml", config)
    return enchanted("run", path, *args, cwd=tmp_path)


def test_extend_grows_every_level_of_a_three_level_campaign(tmp_path, enchanted):
    base = tmp_path / "camp"
    config = {
        "executors": {"e": {"type": "LocalExecutor", "max_workers": 2}},
        "samplers": {
            "s0": _sampler("x", 2, 1),
            "s1": _sampler("y", 2, 2),
            "s2": _sampler("z", 3, 3),
        },
        "runners": {"r": {**COUNTING, "sleep": 0.0}},
        "supervisor": {
            "base_run_dir": str(base),
            "run_order": [
                {"sampler": s, "executor": "e", "runner": "r"} for s in ("s0", "s1", "s2")
            ],
        },
    }
    assert _run(enchanted, tmp_path, config).returncode == 0
    first = pd.read_csv(base / "enchanted_all_levels_dataset.csv")
    assert first.groupby("level").size().to_dict() == {0: 2, 1: 4, 2: 12}
    done = _run(enchanted, tmp_path, config, "--extend")
    assert done.returncode == 0, done.stderr
    df = pd.read_csv(base / "enchanted_all_levels_dataset.csv")
    # level 0 doubled (the new parents ran their whole subtrees), and so did every level
    assert df.groupby("level").size().to_dict() == {0: 4, 1: 16, 2: 96}
    assert df["run_dir"].is_unique and not df.duplicated(["level", "x", "y", "z"]).any()
    merged = first.merge(df, on="run_dir", suffixes=("_old", "_new"))
    assert len(merged) == len(first)
    assert (merged["output_old"] == merged["output_new"]).all()
    assert_each_run_once(base)
    # the extended points continue the seeded sequences, not new random draws
    xs = sorted(df[df["level"] == 0]["x"])
    assert xs == pytest.approx(
        sorted(
            RandomSampler(parameters=["x"], bounds=[[0, 1]], budget=4, seed=1).ask(4)[i]["x"]
            for i in range(4)
        )
    )


def test_resume_with_a_raised_budget_adds_exactly_the_difference(tmp_path, enchanted):
    base = tmp_path / "camp"
    config = single(base, seed=5)
    config["samplers"]["s"].update(budget=10, batch_size=4)
    assert _run(enchanted, tmp_path, config).returncode == 0
    # a different batch size on resume changes neither the points nor the run dir names
    config["samplers"]["s"].update(budget=15, batch_size=3)
    done = _run(enchanted, tmp_path, config, "--resume")
    assert done.returncode == 0, done.stderr
    df = pd.read_csv(base / "enchanted_dataset.csv")
    assert len(df) == 15 and df["x"].is_unique and df["run_dir"].is_unique
    assert sum(e["event"] == "submitted" for e in _events(base)) == 15
    assert sorted(df["x"]) == pytest.approx(expected_points(config)[0])
    assert sorted(df["run_dir"].str.split("/").str[-1]) == sorted(
        f"d0_b{i // 4}_s{i % 4}_r0" for i in range(15)
    )
    assert_each_run_once(base)


def test_changed_bounds_are_refused_and_changed_workers_accepted(tmp_path, enchanted):
    base = tmp_path / "camp"
    config = single(base, seed=5)
    config["samplers"]["s"]["budget"] = 6
    assert _run(enchanted, tmp_path, config).returncode == 0
    journal_before = (base / "journal.jsonl").read_text()
    changed = {**config, "samplers": {"s": {**config["samplers"]["s"], "bounds": [[0, 2]]}}}
    refused = _run(enchanted, tmp_path, changed, "--resume")
    assert refused.returncode == 2
    assert "samplers.s.bounds" in refused.stderr and "Traceback" not in refused.stderr
    assert (base / "journal.jsonl").read_text() == journal_before
    config["executors"]["e"]["max_workers"] = 1
    accepted = _run(enchanted, tmp_path, config, "--resume")
    assert accepted.returncode == 0, accepted.stderr
    assert "executor settings changed" in (base / "logs" / "main.log").read_text()
    assert len(pd.read_csv(base / "enchanted_dataset.csv")) == 6


def test_a_second_driver_of_the_same_base_run_dir_is_refused(tmp_path, cli_env, enchanted):
    base = tmp_path / "camp"
    config = single(base, seed=5)
    config["runners"]["r"]["sleep"] = 0.2
    path = write_config(tmp_path / "c.yaml", config)
    first = start_quiet_run(path, cli_env)
    try:
        deadline = time.monotonic() + 30
        while not (base / "journal.jsonl").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        second = enchanted("run", path, "--resume", cwd=tmp_path)
        assert second.returncode == 2
        assert f"pid {first.pid}" in second.stderr
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
    # the dead holder does not keep the lock: resuming now works
    config["runners"]["r"]["sleep"] = 0.0
    write_config(path, config)
    done = enchanted("run", path, "--resume", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert len(pd.read_csv(base / "enchanted_dataset.csv")) == 240


def test_rebuild_restores_the_dataset_from_the_journal(tmp_path, enchanted):
    base = tmp_path / "camp"
    config = nested(base, seed=3)
    assert _run(enchanted, tmp_path, config).returncode == 0
    every = pd.read_csv(base / "enchanted_all_levels_dataset.csv")
    original = pd.read_csv(base / "enchanted_dataset.csv")
    last = pd.read_csv(base / "last_complete_enchanted_dataset.csv")
    (base / "enchanted_dataset.csv").write_text("garbage\n")
    (base / "enchanted_all_levels_dataset.csv").unlink()
    (base / "last_complete_enchanted_dataset.csv").unlink()
    done = enchanted("rebuild", base, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"{len(every)} rows" in done.stdout
    pd.testing.assert_frame_equal(pd.read_csv(base / "enchanted_all_levels_dataset.csv"), every)
    pd.testing.assert_frame_equal(pd.read_csv(base / "enchanted_dataset.csv"), original)
    pd.testing.assert_frame_equal(pd.read_csv(base / "last_complete_enchanted_dataset.csv"), last)
    assert enchanted("rebuild", tmp_path / "nowhere", cwd=tmp_path).returncode == 2


def test_resume_after_a_torn_journal_tail(tmp_path, enchanted):
    base = tmp_path / "camp"
    config = single(base, seed=9)
    config["samplers"]["s"]["budget"] = 20
    assert _run(enchanted, tmp_path, config).returncode == 0
    lines = (base / "journal.jsonl").read_text().splitlines(keepends=True)
    # cut the journal in the middle of the last run's "finished" event
    last_finished = max(i for i, line in enumerate(lines) if '"event":"finished"' in line)
    torn = "".join(lines[:last_finished]) + lines[last_finished][:40]
    (base / "journal.jsonl").write_text(torn)
    done = _run(enchanted, tmp_path, config, "--resume")
    assert done.returncode == 0, done.stderr
    df = pd.read_csv(base / "enchanted_dataset.csv")
    assert len(df) == 20 and df["x"].is_unique
    for line in (base / "journal.jsonl").read_text().splitlines():
        json.loads(line)  # no torn line was left in the middle


def test_resume_of_a_campaign_killed_before_its_first_event_starts_fresh(tmp_path, enchanted):
    base = tmp_path / "camp"
    for folder in ("data", "logs", "config"):
        (base / folder).mkdir(parents=True)
    (base / "journal.jsonl").write_text("")
    config = single(base, seed=2)
    config["samplers"]["s"]["budget"] = 5
    done = _run(enchanted, tmp_path, config, "--resume")
    assert done.returncode == 0, done.stderr
    assert len(pd.read_csv(base / "enchanted_dataset.csv")) == 5
    assert next(read_journal(base / "journal.jsonl"))["event"] == "campaign_started"


def test_fresh_start_creates_the_journal_before_anything_else(tmp_path):
    from enchanted_surrogates.config import load_spec
    from enchanted_surrogates.supervisor.base_dir_keeper import BaseDirKeeper

    base = tmp_path / "camp"
    keeper = BaseDirKeeper(load_spec(single(base, seed=1)), "fresh", force=False)
    keeper.take()
    try:
        assert (base / "journal.jsonl").exists()
        assert {p.name for p in base.iterdir()} >= {"journal.jsonl", "data", "logs", "config"}
    finally:
        keeper.release()


def test_a_second_sigint_exits_at_once_and_the_journal_stays_readable(tmp_path, cli_env):
    base = tmp_path / "camp"
    config = single(base, seed=4)
    config["samplers"]["s"]["budget"] = 4
    config["runners"]["r"]["sleep"] = 30.0
    path = write_config(tmp_path / "c.yaml", config)
    process = start_quiet_run(path, cli_env)
    deadline = time.monotonic() + 60
    while not any(e["event"] == "submitted" for e in _events(base)):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=10)
    assert process.returncode == 130
    events = _events(base)  # parses every complete line; a torn tail is ignored
    assert events[0]["event"] == "campaign_started"
    config["runners"]["r"]["sleep"] = 0.0
    write_config(path, config)
    done = start_quiet_run(path, cli_env, "--resume")
    _, err = done.communicate(timeout=120)
    assert done.returncode == 0, err
    assert len(pd.read_csv(base / "enchanted_dataset.csv")) == 4


@pytest.mark.parametrize(
    ("sampler_type", "added"),
    [("SobolSequenceSampler", 8), ("LatinHypercubeSampler", 8), ("GridSampler", 0)],
)
def test_extend_with_fixed_size_designs(tmp_path, enchanted, sampler_type, added):
    base = tmp_path / "camp"
    config = single(base, seed=3)
    sampler = {"type": sampler_type, "parameters": ["x"], "bounds": [[0.0, 1.0]]}
    sampler.update(
        {"num_samples": 8} if sampler_type == "GridSampler" else {"budget": 8, "seed": 3}
    )
    config["samplers"]["s"] = sampler
    config["runners"]["r"]["sleep"] = 0.0
    assert _run(enchanted, tmp_path, config).returncode == 0
    first = pd.read_csv(base / "enchanted_dataset.csv")
    done = _run(enchanted, tmp_path, config, "--extend")
    assert done.returncode == 0, done.stderr
    df = pd.read_csv(base / "enchanted_dataset.csv")
    assert len(df) == 8 + added and df["x"].is_unique
    kept = df.set_index("run_dir").loc[first["run_dir"], "x"].to_numpy()
    assert kept == pytest.approx(first["x"].to_numpy())  # old rows kept as they were
    if sampler_type == "GridSampler":
        assert "no more can be added" in (base / "logs" / "main.log").read_text()
    assert_each_run_once(base)


def test_an_interrupted_extend_is_finished_by_resume(tmp_path, cli_env, enchanted):
    base = tmp_path / "camp"
    config = single(base, seed=8)
    config["samplers"]["s"]["budget"] = 10
    config["runners"]["r"]["sleep"] = 0.0
    path = write_config(tmp_path / "c.yaml", config)
    assert enchanted("run", path, cwd=tmp_path).returncode == 0
    config["runners"]["r"]["sleep"] = 0.3
    write_config(path, config)
    process = start_quiet_run(path, cli_env, "--extend")
    deadline = time.monotonic() + 60
    while sum(e["event"] == "finished" for e in _events(base)) < 13:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    done = enchanted("run", path, "--resume", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    df = pd.read_csv(base / "enchanted_dataset.csv")
    assert len(df) == 20 and df["x"].is_unique
    assert sorted(df["x"]) == pytest.approx(
        sorted(
            p["x"]
            for p in RandomSampler(parameters=["x"], bounds=[[0, 1]], budget=20, seed=8).ask(20)
        )
    )


def test_an_original_api_sampler_sees_the_whole_dataset_after_extend(tmp_path):
    from es_test_plugins import OriginalStyleSampler

    import enchanted_surrogates

    base = tmp_path / "camp"
    config = single(base, seed=1)
    config["samplers"]["s"] = {
        "type": "es_test_plugins:OriginalStyleSampler",
        "bounds": [[0, 1]],
        "budget": 4,
        "parameters": ["x"],
        "batch_size": 2,
    }
    config["runners"]["r"]["sleep"] = 0.0
    enchanted_surrogates.run(config)
    assert OriginalStyleSampler.seen_dataset_sizes == [2, 4]
    df = enchanted_surrogates.run(config, run_mode="extend")
    assert len(df) == 8
    assert OriginalStyleSampler.seen_dataset_sizes == [6, 8]
