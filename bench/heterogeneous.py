"""A heterogeneous campaign, whole process: `enchanted run` against a libEnsemble script
and the ideal, on the same sleep times.

    python bench/heterogeneous.py [--runs 200] [--rounds 2] [--workers 2] [--low 0.05]
                                  [--high 0.5] [--dir DIR]

`--runs` sleep times are drawn once, seeded, uniform in [low, high]; every side sleeps
that same list in the same order. Each side is a whole process timed from outside, start-up
included, and the rounds are interleaved (one of each side per round) so that a machine
shared with other work slows both alike:

* enchanted: `enchanted run` of a one-level campaign, an ExplicitPointsSampler over the
  list, a FunctionRunner on `naps.nap`, a LocalExecutor with `--workers` processes, run
  directories under `--dir` (/dev/shm by default, so that the disk does not decide);
* libEnsemble: `libe_sleep.py`, local comms, `--workers` sim workers, the generator on
  the manager; skipped with a message when libensemble is not installed (it is no
  dependency of the project);
* ideal: sum / workers, and the lower bound no schedule beats, max(sum / workers, max).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml
from timed_campaign import add_dir_argument, campaign_config, local

from enchanted_surrogates.storage.dataset_path import dataset_path
from enchanted_surrogates.storage.load import load_dataset

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent


def sleep_times(runs: int, low: float, high: float) -> list[float]:
    """The one seeded list every side sleeps."""
    return np.random.default_rng(0).uniform(low, high, runs).round(6).tolist()


def wall(command: list[str], env: dict[str, str], cwd: Path) -> float:
    """Seconds from starting `command` to its exit; it must succeed."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    return elapsed


def check_campaign(base_run_dir: Path, times: list[float]) -> None:
    """Every run succeeded and slept its time (a failed run would flatter the wall time)."""
    df = load_dataset(dataset_path(base_run_dir))
    assert len(df) == len(times) and df["success"].all(), df
    assert np.isclose(df["output"].sum(), sum(times))


def enchanted_config(times_csv: Path, workers: int, base_run_dir: Path) -> dict:
    """The campaign: one run per row of `times_csv`, each sleeping its `sleep`."""
    config = campaign_config(
        local(workers), {}, {"type": "FunctionRunner", "function": "naps:nap"}, base_run_dir
    )
    config["samplers"]["s"] = {
        "type": "ExplicitPointsSampler",
        "parameters": ["sleep"],
        "file": str(times_csv),
    }
    return config


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--low", type=float, default=0.05)
    parser.add_argument("--high", type=float, default=0.5)
    add_dir_argument(parser)
    args = parser.parse_args()

    times = sleep_times(args.runs, args.low, args.high)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(BENCH), env.get("PYTHONPATH")]))
    where = Path(tempfile.mkdtemp(prefix="enchanted-heterogeneous-", dir=args.dir))
    times_csv = where / "times.csv"
    times_csv.write_text("sleep\n" + "".join(f"{t}\n" for t in times))
    times_txt = where / "times.txt"
    times_txt.write_text("".join(f"{t}\n" for t in times))
    config = where / "campaign.yaml"
    config.write_text(yaml.safe_dump(enchanted_config(times_csv, args.workers, where / "runs")))

    cli = [sys.executable, "-m", "enchanted_surrogates"]
    sides = {"enchanted run": [*cli, "run", str(config), "--force", "-q"]}
    cwds = {"enchanted run": ROOT, "libEnsemble": where / "libe"}
    if importlib.util.find_spec("libensemble") is None:
        print("libensemble is not installed: its column is skipped (pip install libensemble)")
    else:
        cwds["libEnsemble"].mkdir()  # libEnsemble writes ensemble.log and libE_stats.txt
        script = [sys.executable, str(BENCH / "libe_sleep.py"), str(times_txt)]
        sides["libEnsemble"] = [*script, "--workers", str(args.workers)]
    walls: dict[str, list[float]] = {name: [] for name in sides}
    try:
        for _ in range(args.rounds):
            for name, command in sides.items():
                walls[name].append(wall(command, env, cwds[name]))
            check_campaign(where / "runs", times)
    finally:
        shutil.rmtree(where, ignore_errors=True)

    total = sum(times)
    ideal = total / args.workers
    bound = max(ideal, max(times))
    median = {name: statistics.median(values) for name, values in walls.items()}
    libe = median.get("libEnsemble")
    print(
        f"runs={args.runs} sleep uniform [{args.low}, {args.high}] s (seed 0, sum {total:.2f} s)"
        f" workers={args.workers} rounds={args.rounds} (interleaved, medians)"
        f" load average {os.getloadavg()[0]:.1f}"
    )
    print(f"ideal sum/workers {ideal:.2f} s; lower bound max(sum/workers, max) {bound:.2f} s")
    print("| side | median wall | range | vs ideal | vs libEnsemble |")
    print("| --- | --- | --- | --- | --- |")
    for name, values in walls.items():
        versus_libe = f"{median[name] / libe:.3f}x" if libe else "-"
        print(
            f"| {name} | {median[name]:.2f} s | {min(values):.2f} – {max(values):.2f} s "
            f"| {median[name] / ideal:.3f}x | {versus_libe} |"
        )
    versus_libe = f"{ideal / libe:.3f}x" if libe else "-"
    print(f"| ideal (sum/workers) | {ideal:.2f} s | - | 1.000x | {versus_libe} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
