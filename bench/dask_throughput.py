"""DaskExecutor on a 2-worker LocalCluster: throughput against bare Dask, and busy workers.

    python bench/dask_throughput.py [--tasks 2000] [--workers 2] [--repeats 3] [--busy-points 200]

One LocalCluster (single-threaded worker processes) serves every measurement, so
cluster start-up counts for no side; the executor connects to it with
`scheduler_address`.

1. Throughput: `trivial.work` N times as a bare `client.map` + `client.gather` (the
   reference), as one `client.map` of the executor's own worker function on the pickled
   tasks (the framework's work on the workers, with no executor around it: what bounds
   the executor), through the DaskExecutor alone (every task submitted at once, results
   taken from the completion stream as the supervisor takes them), and through a whole
   campaign (`enchanted_surrogates.run`: run directories, journal, dataset), with the
   default `runs.h5` and with `storage: {type: None}`. Best of `--repeats`, as tasks/s
   and as a ratio to the bare rate.
2. Busy fraction: a campaign of ExampleRunner with `sleep_sec: [0.05, 0.5]` over
   `--busy-points` points; the sum of the runs' runtimes / (wall time x workers).

Run directories go under `--dir`, by default /dev/shm (tmpfs) where it exists.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import trivial
from distributed import Client, LocalCluster
from timed_campaign import add_dir_argument, in_x, timed_run

from enchanted_surrogates.executors.completion import CompletionStream
from enchanted_surrogates.executors.dask import DaskExecutor
from enchanted_surrogates.executors.dask_task import pack, run_on_worker
from enchanted_surrogates.runs.task import make_task


def bare_dask(client: Client, tasks: int) -> float:
    start = time.perf_counter()
    futures = client.map(trivial.work, [i / tasks for i in range(tasks)], pure=False)
    total = sum(client.gather(futures))
    elapsed = time.perf_counter() - start
    assert total > 0
    return elapsed


def worker_side(client: Client, tasks: int, where: Path) -> float:
    """One `client.map` of `run_on_worker` on the pickled tasks: run directories, the
    attempts record and the runner on the workers, and nothing of the executor."""
    folder = Path(tempfile.mkdtemp(dir=where))
    runs = [
        make_task(trivial.TrivialRunner, {"x": i / tasks}, folder / f"r{i}") for i in range(tasks)
    ]
    start = time.perf_counter()
    packed = [pack(task) for task in runs]
    ids = [task.run_id for task in runs]
    futures = client.map(run_on_worker, packed, ids, ids, pure=False)
    done = sum(result.success for result in client.gather(futures))
    elapsed = time.perf_counter() - start
    assert done == tasks
    return elapsed


def executor_alone(address: str, tasks: int, where: Path) -> float:
    executor = DaskExecutor(scheduler_address=address)
    folder = Path(tempfile.mkdtemp(dir=where))
    start = time.perf_counter()
    stream = CompletionStream()
    for i in range(tasks):
        stream.submit(
            executor, make_task(trivial.TrivialRunner, {"x": i / tasks}, folder / f"r{i}")
        )
    done = 0
    while len(stream):
        _, result = stream.next()
        done += result.success
    elapsed = time.perf_counter() - start
    executor.close()
    assert done == tasks
    return elapsed


def campaign(address: str, tasks: int, where: Path, extra: dict | None = None) -> float:
    dask = {"type": "DaskExecutor", "scheduler_address": address}
    return timed_run(dask, in_x(tasks), {"type": "trivial:TrivialRunner"}, where, extra)[0]


def busy_fraction(address: str, points: int, workers: int, where: Path) -> tuple[float, float]:
    sampler = {"parameters": ["x", "y"], "bounds": [[0, 1], [0, 1]], "budget": points}
    runner = {"type": "ExampleRunner", "sleep_sec": [0.05, 0.5]}
    dask = {"type": "DaskExecutor", "scheduler_address": address}
    elapsed, df = timed_run(dask, sampler, runner, where)
    return df["runtime_sec_r"].sum() / (elapsed * workers), elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--busy-points", type=int, default=200)
    add_dir_argument(parser)
    args = parser.parse_args()
    logging.getLogger("distributed").setLevel(logging.WARNING)

    with (
        LocalCluster(
            n_workers=args.workers, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
        tempfile.TemporaryDirectory(prefix="enchanted-bench-", dir=args.dir) as where,
    ):
        address = cluster.scheduler_address
        bare_dask(client, 100)  # workers import and warm up once, for every side alike
        bare = min(bare_dask(client, args.tasks) for _ in range(args.repeats))
        side = min(worker_side(client, args.tasks, Path(where)) for _ in range(args.repeats))
        alone = min(executor_alone(address, args.tasks, Path(where)) for _ in range(args.repeats))
        whole = min(campaign(address, args.tasks, Path(where)) for _ in range(args.repeats))
        no_h5 = min(
            campaign(address, args.tasks, Path(where), {"storage": {"type": None}})
            for _ in range(args.repeats)
        )
        busy, busy_wall = busy_fraction(address, args.busy_points, args.workers, Path(where))

    rates = {
        name: args.tasks / t
        for name, t in [
            ("bare", bare),
            ("side", side),
            ("alone", alone),
            ("whole", whole),
            ("no_h5", no_h5),
        ]
    }
    print(
        f"tasks={args.tasks} workers={args.workers} repeats={args.repeats} (best of), "
        f"run dirs under {args.dir}"
    )
    print(f"bare client.map + gather:  {rates['bare']:8.0f} tasks/s ({bare:.2f} s)")
    print(
        f"worker side alone (map):   {rates['side']:8.0f} tasks/s ({side:.2f} s), "
        f"ratio {rates['side'] / rates['bare']:.2f}"
    )
    print(
        f"DaskExecutor alone:        {rates['alone']:8.0f} tasks/s ({alone:.2f} s), "
        f"ratio {rates['alone'] / rates['bare']:.2f} (target >= 0.8)"
    )
    print(
        f"campaign on DaskExecutor:  {rates['whole']:8.0f} tasks/s ({whole:.2f} s), "
        f"ratio {rates['whole'] / rates['bare']:.2f}"
    )
    print(
        f"  with storage: None:      {rates['no_h5']:8.0f} tasks/s ({no_h5:.2f} s), "
        f"ratio {rates['no_h5'] / rates['bare']:.2f}"
    )
    print(
        f"busy fraction, ExampleRunner sleep_sec [0.05, 0.5], {args.busy_points} points: "
        f"{busy:.1%} over {busy_wall:.1f} s (target >= 90%)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
