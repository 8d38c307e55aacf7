"""Pipelining of sequential stages: wall time vs the ideal (total busy time / workers).

    python bench/pipeline.py [--samples 100] [--workers 2] [--low 0.05] [--high 0.5]

Each sample runs through two ExampleRunner stages that sleep a uniform random time in
[low, high]; both stages share one local executor with `--workers` processes. If a
sample's second stage starts as soon as its first finishes (no batch barrier) and no
worker idles, the wall time approaches sum(run times) / workers. The ratio
wall / ideal is printed (target: at most 1.15); the wall time includes pool start-up.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

import enchanted_surrogates


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--low", type=float, default=0.05)
    parser.add_argument("--high", type=float, default=0.5)
    parser.add_argument("--dir", default=os.getcwd(), help="where run directories go")
    args = parser.parse_args()

    stage = {"type": "ExampleRunner", "sleep_sec": [args.low, args.high]}
    with tempfile.TemporaryDirectory(prefix="enchanted-bench-", dir=args.dir) as where:
        config = {
            "executors": {"pool": {"type": "LocalExecutor", "max_workers": args.workers}},
            "samplers": {
                "points": {
                    "type": "RandomSampler",
                    "parameters": ["a", "b"],
                    "bounds": [[0, 1], [0, 1]],
                    "budget": args.samples,
                    "seed": 0,
                }
            },
            "runners": {"stage1": stage, "stage2": stage},
            "supervisor": {
                "base_run_dir": where,
                "run_order": [
                    {
                        "sampler": "points",
                        "executor": ["pool", "pool"],
                        "runner": ["stage1", "stage2"],
                    }
                ],
            },
            "logging": "WARNING",
        }
        start = time.perf_counter()
        df = enchanted_surrogates.run(config, force=True)
        wall = time.perf_counter() - start
    assert len(df) == args.samples and df["success"].all()
    busy = float(df["runtime_sec_stage1"].sum() + df["runtime_sec_stage2"].sum())
    ideal = busy / args.workers
    print(
        f"samples={args.samples} stages=2 workers={args.workers} sleep=[{args.low}, {args.high}] s"
    )
    print(f"total busy time {busy:.2f} s -> ideal wall {ideal:.2f} s; measured wall {wall:.2f} s")
    print(f"ratio wall/ideal: {wall / ideal:.3f}  (target <= 1.15)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
