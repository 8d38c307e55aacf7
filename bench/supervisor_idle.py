"""What the supervisor costs a login node while it waits on long runs.

    python bench/supervisor_idle.py [--seconds 60] [--executors local,dask,batch]

For each executor a real campaign (`enchanted run`) of 2 runs of `sleep 3600` is started;
once both runs are running (their run dirs exist) and a 5 s settling time has passed, the
supervisor process's own CPU time (user + system, psutil; worker processes and batch jobs
are not counted) and its resident memory are read over `--seconds`. Reported: CPU
seconds per minute of waiting and peak RSS in MB. The campaign is then stopped with
SIGTERM (batch jobs are cancelled: on_stop: cancel). `batch` needs a reachable SLURM
(scripts/start_slurm.sh).
"""

from __future__ import annotations

import argparse
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import yaml

EXECUTORS = {
    "local": {"type": "LocalExecutor", "max_workers": 2},
    "dask": {"type": "DaskExecutor", "LocalCluster_config": {"n_workers": 2}},
    "batch": {"type": "BatchExecutor", "on_stop": "cancel"},
}


def _config(base: Path, executor: dict) -> dict:
    return {
        "executors": {"e1": executor},
        "samplers": {
            "s1": {
                "type": "RandomSampler",
                "parameters": ["x"],
                "bounds": [[0.0, 1.0]],
                "budget": 2,
                "seed": 1,
            }
        },
        "runners": {"r1": {"type": "CommandRunner", "command": ["sleep", "3600"]}},
        "supervisor": {
            "base_run_dir": str(base / "c"),
            "run_order": [{"executor": "e1", "sampler": "s1", "runner": "r1"}],
        },
    }


def measure(name: str, seconds: float) -> tuple[float, float]:
    """(CPU seconds per minute of waiting, peak RSS in MB) of the supervisor process."""
    base = Path(tempfile.mkdtemp(prefix=f"es-idle-{name}-"))
    path = base / "c.yaml"
    path.write_text(yaml.safe_dump(_config(base, EXECUTORS[name])))
    campaign = subprocess.Popen(
        [sys.executable, "-m", "enchanted_surrogates", "run", str(path)],
        cwd=base,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        data = base / "c" / "data"
        deadline = time.monotonic() + 120
        while len(list(data.glob("*"))) < 2:
            if campaign.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{name}: the runs did not start")
            time.sleep(0.5)
        time.sleep(5.0)
        process = psutil.Process(campaign.pid)
        before = process.cpu_times()
        peak = 0.0
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            peak = max(peak, process.memory_info().rss / 2**20)
            time.sleep(1.0)
        after = process.cpu_times()
        used = (after.user - before.user) + (after.system - before.system)
        return used * 60.0 / seconds, peak
    finally:
        campaign.send_signal(signal.SIGTERM)
        campaign.wait(timeout=120)
        shutil.rmtree(base, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--executors", default="local,dask,batch")
    args = parser.parse_args()
    print("| executor | CPU s per minute of waiting | share of one core | peak RSS (MB) |")
    print("| --- | --- | --- | --- |")
    for name in args.executors.split(","):
        if name == "batch" and shutil.which("sbatch") is None:
            print(f"| {name} | skipped: no sbatch | | |")
            continue
        cpu, rss = measure(name, args.seconds)
        print(f"| {name} | {cpu:.3f} | {cpu / 60:.2%} | {rss:.0f} |")


if __name__ == "__main__":
    main()
