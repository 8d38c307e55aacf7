"""Peak memory of the supervisor as a campaign grows, and the files it leaves behind.

    python bench/storage_memory.py [--runs 10000 100000]

Runs the same campaign (SumRunner, a trivial runner; `save_files: none`; CSV, Parquet
and runs.h5) at each size through the real `enchanted run`, each in a fresh process,
and reports the supervisor's own peak RSS (its `ru_maxrss`; the worker processes are
not counted), the wall time, the number of files under the base run dir and the rows
in each dataset file. Target: peak RSS grows by less than 2x from 10,000 to 100,000
runs, and fewer than 50 files remain.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

PROBE = """
import json, resource, sys
from enchanted_surrogates.cli.main import main
code = main(["run", sys.argv[1], "-q"])
peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"code": code, "peak_mib": peak_kib / 1024}))
"""


def config(base: Path, runs: int) -> dict:
    return {
        "executors": {"local": {"type": "LocalExecutor", "max_workers": 2}},
        "samplers": {
            "s": {
                "type": "RandomSampler",
                "parameters": ["x1", "x2"],
                "bounds": [[0, 1], [0, 1]],
                "budget": runs,
                "seed": 1,
            }
        },
        "runners": {"r": {"type": "SumRunner", "params_to_sum": ["x1", "x2"]}},
        "supervisor": {
            "base_run_dir": str(base),
            "run_order": [{"sampler": "s", "runner": "r", "executor": "local"}],
            "save_files": "none",
            "summary_datatype": "both",
        },
        "storage": {"type": "hdf5"},
    }


def measure(runs: int, workdir: Path) -> dict:
    import pandas as pd

    base = workdir / f"run{runs}"
    path = workdir / f"c{runs}.yaml"
    path.write_text(yaml.safe_dump(config(base, runs)))
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    probe = json.loads(done.stdout.strip().splitlines()[-1])
    files = sum(1 for p in base.rglob("*") if not p.is_dir())
    return {
        "runs": runs,
        "peak_rss_mib": round(probe["peak_mib"], 1),
        "wall_sec": round(wall, 1),
        "files": files,
        "csv_rows": len(pd.read_csv(base / "enchanted_dataset.csv")),
        "parquet_rows": len(pd.read_parquet(base / "enchanted_dataset.parquet")),
        "hdf5_rows": len(pd.read_hdf(base / "runs.h5")),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--dir", default=None, help="where to run (default: a temp dir)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        results = [measure(runs, Path(tmp)) for runs in args.runs]
    for result in results:
        print(json.dumps(result))
    if len(results) > 1:
        growth = results[-1]["peak_rss_mib"] / results[0]["peak_rss_mib"]
        print(f"peak RSS growth {results[0]['runs']} -> {results[-1]['runs']} runs: {growth:.2f}x")


if __name__ == "__main__":
    main()
