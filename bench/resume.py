"""Time to resume a finished campaign of many runs (journal replay + dataset rebuild).

    python bench/resume.py [--runs 100000]

Writes a synthetic journal of a finished one-level campaign with `--runs` runs (the
events a real campaign writes: asked, submitted, finished), then times
`enchanted_surrogates.run(config, run_mode="resume")` on it: replaying the journal,
checking the config, restoring the sampler, rewriting enchanted_dataset.csv, finding
nothing left to run. Then it times `enchanted status` on the same campaign and, as the
reference measured in the same invocation, `python -c pass` and a bare read of the
journal with the standard library's `json.loads` per line.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

import enchanted_surrogates
from enchanted_surrogates.samplers.random import RandomSampler


def write_journal(base: Path, config: dict, runs: int) -> None:
    (base / "data").mkdir(parents=True)
    sampler = RandomSampler(parameters=["x", "y"], bounds=[[0, 1], [0, 1]], budget=runs, seed=1)
    now = time.time()
    with open(base / "journal.jsonl", "w") as out:

        def event(name: str, **fields: object) -> None:
            out.write(json.dumps({"event": name, "t": now, **fields}, separators=(",", ":")))
            out.write("\n")

        event("campaign_started", config=yaml.safe_dump(config), seeds={"s": 1})
        event("level_started", level=0, batch_size=runs, parent_dirs=[None], mode="async")
        for index, point in enumerate(sampler.ask(runs)):
            run_id = f"d0_b0_s{index}_r0"
            run_dir = str(base / "data" / run_id)
            event("asked", level=0, index=index, point=point)
            event(
                "submitted",
                run_id=run_id,
                level=0,
                stage=0,
                index=index,
                parent=0,
                run_dir=run_dir,
                params=point,
            )
            row = {
                **point,
                "output": point["x"] + point["y"],
                "success": True,
                "status": "SUCCESS",
                "error": "",
                "success_r": True,
                "runtime_sec_r": 0.01,
                "run_dir": run_dir,
            }
            event(
                "finished",
                run_id=run_id,
                level=0,
                stage=0,
                index=index,
                parent=0,
                final=True,
                row=row,
            )
        event("level_finished", level=0, rows=runs)
        event("campaign_finished", elapsed_sec=1.0)


def _wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--dir", default=os.getcwd(), help="where the campaign goes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="enchanted-bench-", dir=args.dir) as where:
        base = Path(where) / "campaign"
        config = {
            "executors": {"e": {"type": "LocalExecutor"}},
            "samplers": {
                "s": {
                    "type": "RandomSampler",
                    "parameters": ["x", "y"],
                    "bounds": [[0, 1], [0, 1]],
                    "budget": args.runs,
                    "seed": 1,
                }
            },
            "runners": {"r": {"type": "SumRunner", "params_to_sum": ["x", "y"]}},
            "supervisor": {
                "base_run_dir": str(base),
                "run_order": [{"sampler": "s", "executor": "e", "runner": "r"}],
            },
            "logging": "WARNING",
        }
        write_journal(base, config, args.runs)
        size_mb = (base / "journal.jsonl").stat().st_size / 1e6
        start = time.perf_counter()
        df = enchanted_surrogates.run(config, run_mode="resume")
        elapsed = time.perf_counter() - start
        status = _wall([sys.executable, "-m", "enchanted_surrogates", "status", str(base)])
        floor = _wall([sys.executable, "-c", "pass"])
        start = time.perf_counter()
        with open(base / "journal.jsonl", encoding="utf-8") as handle:
            lines = sum(1 for line in handle if json.loads(line))
        stdlib_read = time.perf_counter() - start
    assert len(df) == args.runs
    print(
        f"resumed a finished campaign of {args.runs} runs (journal {size_mb:.0f} MB) "
        f"in {elapsed:.2f} s (target < 2 s)"
    )
    print(f"enchanted status: {status:.2f} s (target < 1 s); python -c pass: {floor:.2f} s")
    print(f"reference: json.loads of the {lines} journal lines alone: {stdlib_read:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
