"""Throughput of a whole campaign vs a bare process pool running the same work.

    python bench/throughput.py [--tasks 2000] [--workers N] [--repeats 3]

Both sides run `trivial.work` N times with the same number of worker processes: the
reference is `concurrent.futures.ProcessPoolExecutor` with one `submit` per task; the
campaign is `enchanted_surrogates.run` with the local executor, which also validates the
config, creates every run directory with its `enchanted_datapoint.csv`, and writes the
journal and the dataset. Each side's time includes starting its pool. The best of
`--repeats` runs is reported, as tasks/s, with the ratio campaign / bare pool, for three
campaigns in the same rounds: the defaults (CSV, Parquet and `runs.h5`), without
`runs.h5` (`storage: {type: None}`), and without `runs.h5` and with `save_files: none`
(no run directory left behind).

Run directories go under `--dir`, by default /dev/shm (tmpfs) where it exists: the bare
pool touches no files, so a memory filesystem compares the framework's own overhead;
pass `--dir .` to include your disk. Every repeat gets a fresh folder and all are
deleted at the end. On a disk the numbers swing with its metadata latency: on the test
VM's ext4 (mounted with discard) a mkdir took 0.09 ms to over 1 ms, depending on how
many directories had just been deleted.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import trivial
from timed_campaign import add_dir_argument, in_x, local, timed_run


def bare_pool(tasks: int, workers: int) -> float:
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(trivial.work, i / tasks) for i in range(tasks)]
        total = sum(f.result() for f in as_completed(futures))
    elapsed = time.perf_counter() - start
    assert total > 0
    return elapsed


VARIANTS = {
    "defaults (runs.h5 on)": {},
    "storage: {type: None}": {"storage": {"type": "None"}},
    "  + save_files: none": {"storage": {"type": "None"}, "supervisor": {"save_files": "none"}},
}


def campaign(tasks: int, workers: int, where: Path, extra: dict) -> float:
    runner = {"type": "trivial:TrivialRunner"}
    return timed_run(local(workers), in_x(tasks), runner, where, extra)[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeats", type=int, default=3)
    add_dir_argument(parser)
    args = parser.parse_args()

    bare: list[float] = []
    times: dict[str, list[float]] = {name: [] for name in VARIANTS}
    with tempfile.TemporaryDirectory(prefix="enchanted-bench-", dir=args.dir) as where:
        for _ in range(args.repeats):  # interleaved rounds: the load hits every side alike
            bare.append(bare_pool(args.tasks, args.workers))
            for name, extra in VARIANTS.items():
                times[name].append(campaign(args.tasks, args.workers, Path(where), extra))
    best_bare = min(bare)
    print(
        f"tasks={args.tasks} workers={args.workers} repeats={args.repeats} (best of), "
        f"run dirs under {args.dir}, load average {os.getloadavg()[0]:.1f}"
    )
    print(f"bare ProcessPoolExecutor:   {args.tasks / best_bare:10.0f} tasks/s ({best_bare:.2f} s)")
    for name, seconds in times.items():
        best = min(seconds)
        extra_ms = (best - best_bare) / args.tasks * 1000
        print(
            f"campaign, {name:24} {args.tasks / best:8.0f} tasks/s ({best:.2f} s)  "
            f"ratio {best_bare / best:.2f}, extra {extra_ms:.2f} ms/task"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
