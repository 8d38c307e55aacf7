"""Adaptive sampling vs random and space-filling designs, measured with real campaigns.

    python bench/adaptive.py [--part al|bo|async|all] [--seeds 5] [--dir /dev/shm]
                             [--functions dg2,friedman5] [--strategies alc,variance,...]
                             [--json results.json] [--plot docs/adaptive-bench.png]

* al: every method runs a 200-point campaign (`enchanted_surrogates.run`, local executor,
  2 workers) per seed; a Gaussian process (the active-learning sampler's own model type,
  hyperparameters optimised) is fitted on the first N rows of each dataset (the order runs
  finished) and its RMSE measured on a fixed held-out grid. Reported: the mean RMSE over
  seeds at N = 25, 50, 100, 140, 200, and the smallest N on the checkpoint grid at which
  the mean reaches random's RMSE at 200.
* bo: Bayesian optimisation (maximise the 2-D double Gaussian) vs random and Sobol:
  best value after N runs, and the runs needed to come within 1% of the global maximum
  (found numerically), per seed and on average.
* async: the active-learning sampler with ExampleRunner sleeps uniform in [0.05, 0.5] s
  and 2 workers, in async and in batch mode, beside a RandomSampler (no model) in async
  mode: the share of the run phase (start of the first run to the last result, from the
  journal) during which the workers were busy.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from threadpoolctl import threadpool_limits

import enchanted_surrogates
from enchanted_surrogates.journal import read_journal
from enchanted_surrogates.runners.analytic_functions import friedman1
from enchanted_surrogates.runners.synthetic_double_gaussian_runner import (
    SyntheticDoubleGaussianRunner,
)
from enchanted_surrogates.samplers.surrogate_models import Surrogate

CHECKPOINTS = [25, 50, 75, 100, 110, 120, 130, 140, 160, 180, 200]
REPORTED = [25, 50, 100, 140, 200]
BASELINES = {
    "random": {"type": "RandomSampler"},
    "sobol": {"type": "SobolSequenceSampler"},
    "lhs": {"type": "LatinHypercubeSampler"},
}
STRATEGIES = ["alc", "variance", "qbc", "gsx", "gsy", "igs"]
BO_BUDGETS = {"bo": 100, "random": 8192, "sobol": 8192}  # runs per campaign

_DG = SyntheticDoubleGaussianRunner(dimensions=2)
FUNCTIONS = {
    "dg2": {
        "parameters": ["x", "y"],
        "runner": {"type": "SyntheticDoubleGaussianRunner", "dimensions": 2},
        "f": lambda p: _DG._evaluate(*p),
        "grid": 41,
    },
    "friedman5": {
        "parameters": ["x1", "x2", "x3", "x4", "x5"],
        "runner": {
            "type": "FunctionRunner",
            "function": "enchanted_surrogates.runners.analytic_functions:friedman1",
        },
        "f": lambda p: friedman1(*p),
        "grid": 6,
    },
}


def campaign(where: str, function: str, sampler: dict, runner: dict | None = None, **sup):
    """Run one campaign; return its dataset and journal path."""
    spec = FUNCTIONS[function]
    base = tempfile.mkdtemp(prefix="bench-adaptive-", dir=where)
    config = {
        "executors": {"pool": {"type": "LocalExecutor", "max_workers": 2}},
        "samplers": {
            "s": {
                "parameters": spec["parameters"],
                "bounds": [[0.0, 1.0]] * len(spec["parameters"]),
                **sampler,
            }
        },
        "runners": {"r": runner or spec["runner"]},
        "supervisor": {
            "base_run_dir": base,
            "run_order": [{"sampler": "s", "executor": "pool", "runner": "r", **sup}],
        },
        "logging": "WARNING",
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Sobol's power-of-two advice for budget 200
        df = enchanted_surrogates.run(config, force=True)
    return df, Path(base)


def held_out(function: str) -> tuple[np.ndarray, np.ndarray]:
    spec = FUNCTIONS[function]
    axis = np.linspace(0.0, 1.0, spec["grid"])
    d = len(spec["parameters"])
    grid = np.stack(np.meshgrid(*[axis] * d, indexing="ij"), axis=-1).reshape(-1, d)
    return grid, np.array([spec["f"](p) for p in grid])


def rmse_curve(df, function: str, grid: np.ndarray, truth: np.ndarray) -> list[float]:
    x = df[FUNCTIONS[function]["parameters"]].to_numpy(float)
    y = df["output"].to_numpy(float)
    out = []
    for n in CHECKPOINTS:
        model = Surrogate("gp", x.shape[1], seed=0)
        model.fit(x[:n], y[:n], full=True)
        out.append(float(np.sqrt(np.mean((model.predict(grid)[0] - truth) ** 2))))
    return out


def part_al(args, results: dict) -> None:
    for function in args.functions.split(","):
        grid, truth = held_out(function)
        methods = {
            **BASELINES,
            **{
                f"al:{s}": {"type": "ActiveLearningSampler", "query_strategy": s}
                for s in args.strategies.split(",")
            },
        }
        curves: dict[str, list[list[float]]] = {}
        for name, sampler in methods.items():
            start = time.perf_counter()
            curves[name] = []
            for seed in range(args.seeds):
                df, base = campaign(args.dir, function, {**sampler, "budget": 200, "seed": seed})
                shutil.rmtree(base)
                assert len(df) == 200 and df["success"].all()
                curves[name].append(rmse_curve(df, function, grid, truth))
            mean = np.mean(curves[name], axis=0)
            print(
                f"{function} {name}: "
                + " ".join(f"{v:.4g}" for v in mean)
                + f"  ({time.perf_counter() - start:.0f} s)",
                flush=True,
            )
        results.setdefault("al", {})[function] = {
            "checkpoints": CHECKPOINTS,
            "curves": curves,
        }
        report_al(function, results["al"][function])


def runs_to_reach(mean: np.ndarray, target: float) -> str:
    hits = [n for n, v in zip(CHECKPOINTS, mean) if v <= target]
    return str(hits[0]) if hits else f"> {CHECKPOINTS[-1]}"


def report_al(function: str, data: dict) -> None:
    means = {name: np.mean(c, axis=0) for name, c in data["curves"].items()}
    target = means["random"][-1]
    print(f"\n{function}: mean RMSE over seeds (target: random at 200 = {target:.4g})")
    print("| method | " + " | ".join(f"N={n}" for n in REPORTED) + " | runs to target |")
    print("| --- " * (len(REPORTED) + 2) + "|")
    for name, mean in means.items():
        cells = [f"{mean[CHECKPOINTS.index(n)]:.4g}" for n in REPORTED]
        print(f"| {name} | " + " | ".join(cells) + f" | {runs_to_reach(mean, target)} |")


def global_maximum() -> tuple[float, list[float]]:
    best = None
    for start in ([0.3, 0.3], [0.75, 0.6], [0.5, 0.5]):
        found = minimize(lambda p: -_DG._evaluate(*p), start, bounds=[(0, 1), (0, 1)])
        if best is None or -found.fun > -best.fun:
            best = found
    return float(-best.fun), [float(v) for v in best.x]


def runs_within(values: np.ndarray, optimum: float) -> int | None:
    reached = np.flatnonzero(np.maximum.accumulate(values) >= optimum - 0.01 * abs(optimum))
    return int(reached[0]) + 1 if len(reached) else None


def part_bo(args, results: dict) -> None:
    optimum, where = global_maximum()
    print(f"double Gaussian global maximum {optimum:.6f} at {where}")
    methods = {
        "bo:log_ei": (
            {"type": "BayesianOptimizationSampler", "direction": "maximize"},
            BO_BUDGETS["bo"],
        ),
        "bo:ei": (
            {"type": "BayesianOptimizationSampler", "direction": "maximize", "acquisition": "ei"},
            100,
        ),
        "bo:ucb": (
            {"type": "BayesianOptimizationSampler", "direction": "maximize", "acquisition": "ucb"},
            100,
        ),
        "random": ({"type": "RandomSampler"}, BO_BUDGETS["random"]),
        "sobol": ({"type": "SobolSequenceSampler"}, BO_BUDGETS["sobol"]),
    }
    table = {}
    for name, (sampler, budget) in methods.items():
        counts, bests = [], []
        for seed in range(args.seeds):
            df, base = campaign(args.dir, "dg2", {**sampler, "budget": budget, "seed": seed})
            shutil.rmtree(base)
            values = df["output"].to_numpy(float)
            counts.append(runs_within(values, optimum))
            bests.append([float(values[:n].max()) for n in (10, 20, 30, 50, 100)])
        table[name] = {"runs_within_1pct": counts, "best_at": np.mean(bests, axis=0).tolist()}
        print(
            f"{name}: runs to 1% {counts}, mean best at 10/20/30/50/100 "
            + " ".join(f"{v:.4f}" for v in table[name]["best_at"]),
            flush=True,
        )
    results["bo"] = {"optimum": optimum, "argmax": where, "methods": table}
    report_bo(results["bo"])


def report_bo(data: dict) -> None:
    print(f"\ndg2 maximum {data['optimum']:.6f}; within 1%: >= {0.99 * data['optimum']:.6f}")
    print(
        "| method | best after 10 | 20 | 30 | 50 | 100 | runs to within 1% (per seed) "
        "| mean | median |"
    )
    print("| --- " * 9 + "|")
    for name, row in data["methods"].items():
        budget = BO_BUDGETS["bo" if name.startswith("bo:") else name]
        counts = [budget + 1 if c is None else c for c in row["runs_within_1pct"]]
        shown = ", ".join(f"> {budget}" if c > budget else str(c) for c in counts)
        mean = f"{np.mean(counts):.0f}" if max(counts) <= budget else f"> {np.mean(counts):.0f}"
        median = np.median(counts)
        median_text = f"> {budget}" if median > budget else f"{median:.0f}"
        print(
            f"| {name} | "
            + " | ".join(f"{v:.4f}" for v in row["best_at"])
            + f" | {shown} | {mean} | {median_text} |"
        )


def busy_fraction(df, base: Path, workers: int) -> tuple[float, float]:
    """Busy share of the run phase: from the start of the first run (its finish time in
    the journal minus its runtime; pool start-up is not counted) to the last result."""
    finished = [e for e in read_journal(base / "journal.jsonl") if e["event"] == "finished"]
    first = min(e["t"] - e["row"]["runtime_sec_r"] for e in finished)
    last = max(e["t"] for e in finished)
    busy = float(df["runtime_sec_r"].sum())
    return busy / (workers * (last - first)), last - first


def part_async(args, results: dict) -> None:
    runner = {"type": "ExampleRunner", "sleep_sec": [0.05, 0.5]}
    sampler = {"type": "ActiveLearningSampler", "budget": args.async_budget, "seed": 0}
    reference = {"type": "RandomSampler", "budget": args.async_budget, "seed": 0}
    out = {}
    for label, chosen, mode in (
        ("async, active learning", sampler, "async"),
        ("batch, active learning (batch_size 4)", {**sampler, "batch_size": 4}, "batch"),
        ("batch, active learning (batch_size 2)", {**sampler, "batch_size": 2}, "batch"),
        ("async, RandomSampler (reference: no model)", reference, "async"),
    ):
        start = time.perf_counter()
        df, base = campaign(args.dir, "dg2", chosen, runner=runner, mode=mode)
        wall = time.perf_counter() - start
        fraction, span = busy_fraction(df, base, 2)
        shutil.rmtree(base)
        out[label] = {"busy_fraction": fraction, "run_phase_sec": span, "wall_sec": wall}
    results["async"] = out
    report_async(out)


def report_async(data: dict) -> None:
    print(
        "\n| mode | workers busy, run phase | run phase | workers busy, whole campaign "
        "| campaign wall |"
    )
    print("| --- | --- | --- | --- | --- |")
    for label, row in data.items():
        whole = row["busy_fraction"] * row["run_phase_sec"] / row["wall_sec"]
        print(
            f"| {label} | {row['busy_fraction']:.1%} | {row['run_phase_sec']:.1f} s "
            f"| {whole:.1%} | {row['wall_sec']:.1f} s |"
        )


def plot(results: dict, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = list(results.get("al", {}).items())
    fig, axes = plt.subplots(
        1, len(panels) + ("bo" in results), figsize=(5.5 * (len(panels) + 1), 4)
    )
    axes = np.atleast_1d(axes)
    for ax, (function, data) in zip(axes, panels):
        for name, curves in data["curves"].items():
            style = "-" if name.startswith("al:") else "--"
            ax.plot(data["checkpoints"], np.mean(curves, axis=0), style, label=name)
        ax.set(
            xscale="linear",
            yscale="log",
            xlabel="runs",
            ylabel="GP RMSE on held-out grid",
            title=f"{function}: surrogate error, mean of seeds",
        )
        ax.legend(fontsize=7)
    if "bo" in results:
        ax = axes[-1]
        bo = results["bo"]
        for name, row in bo["methods"].items():
            ax.plot([10, 20, 30, 50, 100], row["best_at"], "o-", label=name)
        ax.axhline(0.99 * bo["optimum"], color="grey", lw=0.8, label="within 1% of the maximum")
        ax.set(xlabel="runs", ylabel="best value found", title="dg2: maximisation, mean of seeds")
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"plot written to {path}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", default="all", choices=["al", "bo", "async", "all"])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--functions", default="dg2,friedman5")
    parser.add_argument("--strategies", default=",".join(STRATEGIES))
    parser.add_argument("--async-budget", type=int, default=120)
    parser.add_argument("--dir", default="/dev/shm" if os.path.isdir("/dev/shm") else None)
    parser.add_argument("--json", default=None, help="write the raw figures here")
    parser.add_argument("--plot", default=None, help="write a PNG here (needs matplotlib)")
    parser.add_argument(
        "--load", nargs="+", help="report and plot earlier --json files instead of running"
    )
    args = parser.parse_args()
    threadpool_limits(1)  # the surrogate fits are small; BLAS threads only contend
    results: dict = {}
    if args.load:
        for path in args.load:
            loaded = json.loads(Path(path).read_text())
            for function, data in loaded.pop("al", {}).items():
                merged = results.setdefault("al", {}).setdefault(function, data)
                merged["curves"].update(data["curves"])  # later files add methods
            results.update(loaded)
        for function, data in results.get("al", {}).items():
            report_al(function, data)
        if "bo" in results:
            report_bo(results["bo"])
        if "async" in results:
            report_async(results["async"])
    else:
        parts = ["al", "bo", "async"] if args.part == "all" else [args.part]
        for part in parts:
            {"al": part_al, "bo": part_bo, "async": part_async}[part](args, results)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    if args.plot:
        plot(results, args.plot)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
