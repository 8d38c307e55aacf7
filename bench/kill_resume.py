"""Kill-and-resume trials: kill -9 a campaign at a random moment, resume it, count damage.

    python bench/kill_resume.py [--trials 20] [--seed 1] [--kinds single nested sequential]

For each of single-level, nested and sequential campaigns (small ones, whose runs start a
real external program through CommandRunner), `--trials` times: start `enchanted run`,
kill -9 the supervisor alone (not its process group) after a random 0.2-1.5 s, then count

* orphans: processes the campaign had started (pool, forkserver, resource tracker, the
  programs) still alive 5 s after the kill;
* lost: rows missing from the dataset after `enchanted run --resume`;
* repeated: runs whose final result the journal holds more than once.

Prints one line per kind; all three counts should be 0.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import psutil
import yaml

from enchanted_surrogates.storage.dataset_path import dataset_path

PROGRAM = {
    "type": "CommandRunner",
    "command": ["sh", "-c", "sleep 0.05; echo '{{\"y\": 1}}' > out.json"],
    "outputs": [{"type": "json", "file": "out.json"}],
}


def _sampler(name: str, budget: int, seed: int) -> dict:
    return {
        "type": "RandomSampler",
        "parameters": [name],
        "bounds": [[0.0, 1.0]],
        "budget": budget,
        "seed": seed,
    }


def _config(kind: str, base: Path, seed: int) -> tuple[dict, int]:
    """The campaign of `kind` and the rows its finished dataset has."""
    executors = {"e": {"type": "LocalExecutor", "max_workers": 2}}
    step = {"sampler": "s", "executor": "e", "runner": "r"}
    if kind == "single":
        samplers, runners, order, rows = {"s": _sampler("x", 40, seed)}, {"r": PROGRAM}, [step], 40
    elif kind == "nested":
        samplers = {"s": _sampler("x", 4, seed), "t": _sampler("z", 6, seed + 1)}
        runners, order, rows = {"r": PROGRAM}, [step, {**step, "sampler": "t"}], 4 + 4 * 6
    else:
        samplers, runners = {"s": _sampler("x", 20, seed)}, {"r": PROGRAM, "q": PROGRAM}
        order, rows = [{**step, "executor": ["e", "e"], "runner": ["r", "q"]}], 20
    config = {
        "executors": executors,
        "samplers": samplers,
        "runners": runners,
        "supervisor": {"base_run_dir": str(base), "run_order": order},
    }
    return config, rows


def _descendants(process: psutil.Process, seen: dict[int, psutil.Process]) -> None:
    try:
        for child in process.children(recursive=True):
            seen.setdefault(child.pid, child)
    except psutil.NoSuchProcess:
        pass


def trial(kind: str, workdir: Path, rng: random.Random, seed: int) -> tuple[int, int, int]:
    """One kill-and-resume trial: (orphans, lost, repeated)."""
    base = workdir / "camp"
    config, rows = _config(kind, base, seed)
    path = workdir / "c.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    command = [sys.executable, "-m", "enchanted_surrogates", "run", str(path), "-q"]
    quiet = {
        "stdin": subprocess.DEVNULL,
        "stdout": subprocess.DEVNULL,
        "stderr": subprocess.DEVNULL,
    }
    process = subprocess.Popen(command, start_new_session=True, **quiet)
    supervisor = psutil.Process(process.pid)
    seen: dict[int, psutil.Process] = {}
    deadline = time.monotonic() + rng.uniform(0.2, 1.5)
    while time.monotonic() < deadline and process.poll() is None:
        _descendants(supervisor, seen)
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    for child in list(seen.values()):
        _descendants(child, seen)
    time.sleep(5)
    orphans = [p for p in seen.values() if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    for p in orphans:
        p.kill()
    subprocess.run([*command, "--resume"], check=True, **quiet)
    df = pd.read_csv(dataset_path(base))  # a nested campaign's has every level's rows
    lost = rows - int((df["status"] == "SUCCESS").sum())
    finals: collections.Counter = collections.Counter()
    with open(base / "journal.jsonl") as handle:
        for line in handle:
            event = json.loads(line)
            if event["event"] in ("finished", "failed") and event.get("final"):
                finals[(event["level"], event["index"], event["parent"])] += 1
    repeated = sum(1 for count in finals.values() if count > 1)
    return len(orphans), lost, repeated


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kinds", nargs="+", default=["single", "nested", "sequential"])
    args = parser.parse_args()
    rng = random.Random(args.seed)
    for kind in args.kinds:
        totals = [0, 0, 0]
        for number in range(args.trials):
            with tempfile.TemporaryDirectory() as tmp:
                counts = trial(kind, Path(tmp), rng, seed=args.seed * 1000 + number)
            totals = [a + b for a, b in zip(totals, counts, strict=True)]
        print(
            f"{kind}: {args.trials} kill -9 trials: orphaned processes {totals[0]}, "
            f"lost runs {totals[1]}, repeated runs {totals[2]}",
            flush=True,
        )


if __name__ == "__main__":
    main()
