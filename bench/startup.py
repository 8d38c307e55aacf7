"""Start-up: `enchanted --help`, `enchanted validate` and a whole short campaign, each as a
whole process, against a reference process measured in the same invocation.

    python bench/startup.py [--rounds 7] [--tasks 2000] [--workers 2] [--dir DIR]

Rounds are interleaved (one of each command per round), so a machine shared with other
work slows every command alike; medians are reported. The references:

* `python -c pass`: the interpreter's own start-up, the floor for any command;
* for the campaign, a process that starts a bare `ProcessPoolExecutor` and runs
  `trivial.work` `--tasks` times (one `submit` each); the campaign is `enchanted run` on a
  config with as many `TrivialRunner` runs (run directories under `--dir`, /dev/shm by
  default, so the disk does not decide), once with the defaults and once with
  `storage: {type: None}` (no `runs.h5`, whose pandas, PyTables and h5py imports and
  per-run groups are a large part of a short campaign).

`--baseline SRC` also runs `--help`, `validate` and `run` from another source tree (for
example `git archive <commit> | tar -x -C /tmp/base`, then `--baseline /tmp/base/src`) in
the same rounds, to show a change's effect on this machine at this load.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from timed_campaign import add_dir_argument, campaign_config, in_x, local

import enchanted_surrogates

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent

BARE_POOL = """
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
import trivial
tasks, workers = int(sys.argv[1]), int(sys.argv[2])
with ProcessPoolExecutor(max_workers=workers) as pool:
    futures = [pool.submit(trivial.work, i / tasks) for i in range(tasks)]
    assert sum(f.result() for f in as_completed(futures)) > 0
"""


def wall(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    add_dir_argument(parser)
    parser.add_argument("--config", default="examples/quickstart.yaml", help="to validate")
    parser.add_argument("--baseline", help="another tree's src/ to time alongside")
    args = parser.parse_args()

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(BENCH), env.get("PYTHONPATH")]))
    cli = [sys.executable, "-m", "enchanted_surrogates"]
    where = Path(tempfile.mkdtemp(prefix="enchanted-startup-", dir=args.dir))
    configs = {}
    for name, extra in {"defaults": None, "no-h5": {"storage": {"type": "None"}}}.items():
        configs[name] = where / f"trivial-{name}.yaml"
        configs[name].write_text(
            yaml.safe_dump(
                campaign_config(
                    local(args.workers),
                    in_x(args.tasks),
                    {"type": "trivial:TrivialRunner"},
                    where / f"runs-{name}",
                    extra,
                )
            )
        )
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "enchanted --help": [*cli, "--help"],
        f"enchanted validate {args.config}": [*cli, "validate", args.config],
        f"bare pool process, {args.tasks} runs": [
            sys.executable,
            "-c",
            BARE_POOL,
            str(args.tasks),
            str(args.workers),
        ],
        f"enchanted run, {args.tasks} runs": [
            *cli,
            "run",
            str(configs["defaults"]),
            "--force",
            "-q",
        ],
        f"enchanted run, {args.tasks} runs, storage None": [
            *cli,
            "run",
            str(configs["no-h5"]),
            "--force",
            "-q",
        ],
    }
    envs = {name: env for name in commands}
    if args.baseline:
        baseline_env = {**env, "PYTHONPATH": os.pathsep.join([args.baseline, env["PYTHONPATH"]])}
        for name in list(commands)[1:]:
            if name.startswith("enchanted"):
                commands[f"baseline: {name}"] = commands[name]
                envs[f"baseline: {name}"] = baseline_env
    times: dict[str, list[float]] = {name: [] for name in commands}
    try:
        for _ in range(args.rounds):
            for name, command in commands.items():
                times[name].append(wall(command, envs[name]))
    finally:
        shutil.rmtree(where, ignore_errors=True)

    median = {name: statistics.median(values) for name, values in times.items()}
    floor = median["python -c pass"]
    bare = median[f"bare pool process, {args.tasks} runs"]
    print(
        f"rounds={args.rounds} (interleaved, medians) workers={args.workers} "
        f"python {sys.version.split()[0]} enchanted-surrogates {enchanted_surrogates.__version__} "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print("| command | median wall | range | vs python -c pass | vs bare pool |")
    print("| --- | --- | --- | --- | --- |")
    for name, values in times.items():
        print(
            f"| `{name}` | {median[name]:.3f} s | {min(values):.3f} – {max(values):.3f} s "
            f"| {median[name] / floor:.1f}x | {median[name] / bare:.2f}x |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
