"""Time to resume a finished campaign of many runs (journal replay + dataset rebuild).

    python bench/resume.py [--runs 100000]

Writes a synthetic journal of a finished one-level campaign with `--runs` runs (the
events a real campaign writes: asked, submitted, finished), then times, each in its own
process with its peak RSS: `enchanted run --resume` without a checkpoint (full replay,
dataset written, checkpoint left at its end, as a finished campaign leaves it), the same
again (the resume of a finished campaign: from the checkpoint, dataset files kept), then
`enchanted status`, and the resume through the Python API (which also loads the
DataFrame it returns). As references measured in the same invocation: `python -c pass`
and a bare read of the journal with the standard library's `json.loads` per line.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
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


def _timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB, ru_maxrss) of one process running `command`."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{command} failed:\n{process.stderr.read().decode()}")
    return wall, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--dir", default=os.getcwd(), help="where the campaign goes")
    parser.add_argument(
        "--no-hdf5",
        action="store_true",
        help="storage: {type: None} (no runs.h5: at 10^6 runs its per-run groups take the "
        "first resume's dataset rewrite far beyond the replay it measures)",
    )
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
        if args.no_hdf5:
            config["storage"] = {"type": None}
        # in a child process: a child started later inherits the high-water RSS of this one
        # (ru_maxrss survives fork and exec), and writing holds every point
        writer = multiprocessing.get_context("fork").Process(
            target=write_journal, args=(base, config, args.runs)
        )
        writer.start()
        writer.join()
        size_mb = (base / "journal.jsonl").stat().st_size / 1e6
        path = Path(where) / "config.yaml"
        path.write_text(yaml.safe_dump(config))
        enchanted = [sys.executable, "-m", "enchanted_surrogates"]
        resume = [*enchanted, "run", str(path), "--resume", "-q"]
        status = [*enchanted, "status", str(base)]
        # no checkpoint yet (a journal of an older version): full replay, dataset written,
        # and at its end the checkpoint a finished campaign leaves behind
        first, first_rss = _timed(resume)
        again, again_rss = _timed(resume)
        status_wall, _ = _timed(status)
        start = time.perf_counter()
        api_rows = len(enchanted_surrogates.run(config, run_mode="resume"))
        api = time.perf_counter() - start
        floor, _ = _timed([sys.executable, "-c", "pass"])
        start = time.perf_counter()
        with open(base / "journal.jsonl", encoding="utf-8") as handle:
            lines = sum(1 for line in handle if json.loads(line))
        stdlib_read = time.perf_counter() - start
    assert api_rows == args.runs
    load = os.getloadavg()[0]
    print(
        f"{args.runs} finished runs, journal {size_mb:.0f} MB, load average {load:.1f}"
        + (", no runs.h5" if args.no_hdf5 else "")
    )
    print(f"first resume, no checkpoint: {first:.2f} s, peak RSS {first_rss:.0f} MiB")
    print(
        f"resume of the finished campaign (enchanted run --resume): {again:.2f} s, "
        f"peak RSS {again_rss:.0f} MiB"
    )
    print(f"the same through the Python API, DataFrame returned: {api:.2f} s")
    print(f"enchanted status: {status_wall:.2f} s; python -c pass: {floor:.2f} s")
    print(f"reference: json.loads of the {lines} journal lines alone: {stdlib_read:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
