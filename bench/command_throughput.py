"""External programs: a campaign of CommandRunner runs vs a bare pool calling subprocess.run.

    python bench/command_throughput.py [--runs 500] [--workers 2] [--rounds 3] [--timeout 60]

Both sides start `/bin/true` `--runs` times on `--workers` worker processes, in
interleaved rounds (bare, campaign, bare, campaign, ...) so that the load of a shared
machine hits both alike; each side's time includes starting its pool. The bare side is
`concurrent.futures.ProcessPoolExecutor` whose task runs `subprocess.run` with stdout and
stderr written to files in a fresh directory per run (the output capture CommandRunner
does). The campaign is `enchanted_surrogates.run` with a CommandRunner (run directories,
journal, dataset, process groups, redaction, statuses) and, unless `--timeout 0`, a
`timeout` limit on every run. Reports each round's ratio (bare time / campaign time) and
their range, and the steady-rate ratio: each round also runs both sides with a fifth of
the runs, and the extra runs' time (full minus fifth) leaves start-up out.

Run directories go under `--dir`, by default /dev/shm (tmpfs) where it exists.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from timed_campaign import add_dir_argument, in_x, local, timed_run

PROGRAM = "/bin/true"


def _bare_run(run_dir: str) -> int:
    os.mkdir(run_dir)
    with (
        open(os.path.join(run_dir, "stdout.txt"), "wb") as out,
        open(os.path.join(run_dir, "stderr.txt"), "wb") as err,
    ):
        done = subprocess.run(
            [PROGRAM], cwd=run_dir, stdin=subprocess.DEVNULL, stdout=out, stderr=err
        )
    return done.returncode


def bare_pool(runs: int, workers: int, where: Path) -> float:
    folder = tempfile.mkdtemp(dir=where)
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        codes = list(pool.map(_bare_run, [os.path.join(folder, f"r{i}") for i in range(runs)]))
    elapsed = time.perf_counter() - start
    assert codes == [0] * runs
    return elapsed


def campaign(runs: int, workers: int, timeout: float, where: Path) -> float:
    runner: dict = {"type": "CommandRunner", "command": [PROGRAM]}
    if timeout:
        runner["timeout"] = timeout
    return timed_run(local(workers), in_x(runs), runner, where)[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=60.0, help="0: no limit")
    add_dir_argument(parser)
    args = parser.parse_args()

    limit = f"timeout {args.timeout:g} s" if args.timeout else "no limit"
    print(
        f"runs={args.runs} of {PROGRAM} workers={args.workers} ({limit}), "
        f"run dirs under {args.dir}, load average {os.getloadavg()[0]:.1f}"
    )
    ratios, steady = [], []
    fifth = max(1, args.runs // 5)
    with tempfile.TemporaryDirectory(prefix="enchanted-bench-", dir=args.dir) as where:
        for round_ in range(1, args.rounds + 1):
            bare_few = bare_pool(fifth, args.workers, Path(where))
            bare = bare_pool(args.runs, args.workers, Path(where))
            few = campaign(fifth, args.workers, args.timeout, Path(where))
            whole = campaign(args.runs, args.workers, args.timeout, Path(where))
            ratios.append(bare / whole)
            steady.append((bare - bare_few) / (whole - few))
            print(
                f"round {round_}: bare pool {args.runs / bare:6.0f} runs/s ({bare:.2f} s), "
                f"CommandRunner campaign {args.runs / whole:6.0f} runs/s ({whole:.2f} s), "
                f"ratio {ratios[-1]:.2f}, steady-rate ratio {steady[-1]:.2f}",
                flush=True,
            )
    print(
        f"ratio campaign/bare: {min(ratios):.2f} - {max(ratios):.2f}; steady rate: "
        f"{min(steady):.2f} - {max(steady):.2f} (target >= 0.8), "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
