"""What the throughput and start-up benches share: one config of a one-level campaign on
random points, its timed run in-process, and where run directories go."""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import pandas as pd

import enchanted_surrogates


def campaign_config(
    executor: dict, sampler: dict, runner: dict, base_run_dir: Path, extra: dict | None = None
) -> dict:
    """A one-level campaign: a seeded RandomSampler with `sampler`'s keys, `runner` on
    `executor`, warnings only (a bench measures, it does not report runs). `extra`: more
    top-level sections, and `supervisor` keys merged into the supervisor's."""
    extra = dict(extra or {})
    supervisor = extra.pop("supervisor", {})
    return {
        "executors": {"e": executor},
        "samplers": {"s": {"type": "RandomSampler", "seed": 0, **sampler}},
        "runners": {"r": runner},
        "supervisor": {
            "base_run_dir": str(base_run_dir),
            "run_order": [{"sampler": "s", "executor": "e", "runner": "r"}],
            **supervisor,
        },
        "logging": "WARNING",
        **extra,
    }


def in_x(budget: int) -> dict:
    """Sampler keys for `budget` points in one parameter x in [0, 1]."""
    return {"parameters": ["x"], "bounds": [[0, 1]], "budget": budget}


def local(workers: int) -> dict:
    """A LocalExecutor with `workers` worker processes."""
    return {"type": "LocalExecutor", "max_workers": workers}


def timed_run(
    executor: dict, sampler: dict, runner: dict, where: Path, extra: dict | None = None
) -> tuple[float, pd.DataFrame]:
    """Wall seconds of `enchanted_surrogates.run` in a fresh folder under `where`, and its
    dataset; the runs must all succeed."""
    config = campaign_config(executor, sampler, runner, Path(tempfile.mkdtemp(dir=where)), extra)
    start = time.perf_counter()
    df = enchanted_surrogates.run(config, force=True)
    elapsed = time.perf_counter() - start
    assert len(df) == sampler["budget"] and df["success"].all()
    return elapsed, df


def add_dir_argument(parser: argparse.ArgumentParser) -> None:
    """`--dir`: where run directories go, /dev/shm (tmpfs) where it exists so that the
    disk does not decide."""
    default_dir = "/dev/shm" if os.access("/dev/shm", os.W_OK) else os.getcwd()
    parser.add_argument("--dir", default=default_dir, help="where run directories go")
