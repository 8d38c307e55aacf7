"""`enchanted plot`: a first look at a campaign's data as PNG files, headless.

Figures: the parameters against each other coloured by the first output (or by status
when nothing succeeded), the distribution of every numeric output, the runtime of each
runner, progress over time, and, for adaptive samplers, the model quality per step.
Large datasets are subsampled for the scatter plots (the histograms use every row).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from enchanted_surrogates.journal import JOURNAL_FILE, read_journal
from enchanted_surrogates.storage.load import load_dataset

MAX_SCATTER_ROWS = 5_000
MAX_PANELS = 6
BOOKKEEPING_PREFIXES = (
    "success",
    "status",
    "error",
    "level",
    "run_dir",
    "runtime_sec_",
    "attempts_",
)


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError as exc:
        raise ImportError(
            "plots need matplotlib: pip install 'enchanted-surrogates[plot]'"
        ) from exc
    matplotlib.use("Agg")  # no display on a login node or in CI
    import matplotlib.pyplot as plt

    return plt


def journal_facts(base: Path) -> tuple[list[str], list[tuple[float, bool]], list[dict]]:
    """Parameter names (in asked order), (time, success) of every row, model-quality steps."""
    parameters: dict[str, None] = {}
    finished: list[tuple[float, bool]] = []
    quality: list[dict] = []
    for event in read_journal(base / JOURNAL_FILE):
        kind = event["event"]
        if kind == "asked" and len(parameters) < 64:
            parameters.update(dict.fromkeys(event["point"]))
        elif kind in ("finished", "failed") and event.get("final"):
            finished.append((event["t"], kind == "finished"))
        elif kind == "sampler_history":
            quality.append(event)
    return list(parameters), finished, quality


def _outputs(frame: pd.DataFrame, parameters: list[str]) -> list[str]:
    return [
        column
        for column in frame.columns
        if column not in parameters
        and not column.startswith(BOOKKEEPING_PREFIXES)
        and pd.api.types.is_numeric_dtype(frame[column])
        and not pd.api.types.is_bool_dtype(frame[column])
        and frame[column].notna().any()
    ]


def _save(fig: Any, path: Path, plt: Any) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _scatter_matrix(frame, parameters, outputs, out: Path, plt) -> Path | None:
    shown = [p for p in parameters if pd.api.types.is_numeric_dtype(frame[p])][:MAX_PANELS]
    if not shown:
        return None
    sample = frame.sample(min(len(frame), MAX_SCATTER_ROWS), random_state=0)
    n = len(shown)
    fig, axes = plt.subplots(n, n, figsize=(2.6 * n + 1.5, 2.6 * n), squeeze=False)
    colour_by = outputs[0] if outputs and sample[outputs[0]].notna().any() else None
    if colour_by:
        colours, label = sample[colour_by], colour_by
    else:
        colours, label = sample["success"].astype(float), "success"
    mappable = None
    for i, y in enumerate(shown):
        for j, x in enumerate(shown):
            ax = axes[i][j]
            if i == j:
                values = frame[x].dropna()
                ax.hist(values, bins=max(5, min(30, int(np.sqrt(len(values))))), color="#4477aa")
            else:
                mappable = ax.scatter(sample[x], sample[y], c=colours, s=8, cmap="viridis")
            if i == n - 1:
                ax.set_xlabel(x)
            if j == 0:
                ax.set_ylabel(y)
    if mappable is not None:
        fig.colorbar(mappable, ax=axes, label=label, shrink=0.8)
    fig.suptitle(f"parameters, coloured by {label}")
    fig.savefig(out / "parameters.png", dpi=110)
    plt.close(fig)
    return out / "parameters.png"


def _histograms(frame, columns: list[str], title: str, path: Path, plt) -> Path | None:
    columns = columns[: MAX_PANELS * 2]
    if not columns:
        return None
    cols = min(3, len(columns))
    rows = -(-len(columns) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4 * cols, 3 * rows), squeeze=False)
    for ax, column in zip(axes.flat, columns):
        values = frame[column].dropna()
        ax.hist(values, bins=min(50, max(5, int(np.sqrt(len(values))))), color="#228833")
        ax.set_title(column)
    for ax in list(axes.flat)[len(columns) :]:
        ax.axis("off")
    fig.suptitle(title)
    return _save(fig, path, plt)


def _progress(finished: list[tuple[float, bool]], path: Path, plt) -> Path | None:
    if not finished:
        return None
    times = np.array([t for t, _ in finished])
    ok = np.array([s for _, s in finished])
    order = np.argsort(times)
    minutes = (times[order] - times.min()) / 60
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(minutes, np.cumsum(ok[order]), label="succeeded", color="#228833")
    ax.plot(minutes, np.cumsum(~ok[order]), label="failed", color="#cc3311")
    ax.plot(minutes, np.arange(1, len(order) + 1), label="all rows", color="#444444", ls="--")
    ax.set_xlabel("minutes since the first row")
    ax.set_ylabel("rows")
    ax.legend()
    ax.set_title("progress")
    return _save(fig, path, plt)


NOT_METRICS = {"event", "t", "level", "results", "successes", "failed", "n_next"}


def _model_quality(quality: list[dict], path: Path, plt) -> Path | None:
    """Each number an adaptive sampler reported per fit (e.g. `rmse_next`, the error of
    the model on the results that came next), against the results it had been told."""
    series: dict[str, tuple[list[float], list[float]]] = {}
    for event in quality:
        told = float(event.get("results", 0))
        for key, value in event.items():
            if key not in NOT_METRICS and isinstance(value, (int, float)):
                if isinstance(value, bool):
                    continue
                xs, ys = series.setdefault(f"level {event.get('level', 0)}: {key}", ([], []))
                xs.append(told)
                ys.append(float(value))
    if not series:
        return None
    fig, ax = plt.subplots(figsize=(7, 4))
    for key, (xs, ys) in series.items():
        ax.plot(xs, ys, marker=".", label=key)
    ax.set_xlabel("results told to the sampler")
    ax.set_title("adaptive sampler: model quality")
    ax.legend()
    return _save(fig, path, plt)


def plot_campaign(base: str | Path, out: str | Path | None = None) -> list[Path]:
    """Write the figures for a campaign into `out` (default BASE/plots); return their paths."""
    plt = _pyplot()
    base = Path(base)
    out = Path(out) if out else base / "plots"
    out.mkdir(parents=True, exist_ok=True)
    frame = load_dataset(base)
    parameters, finished, quality = journal_facts(base)
    parameters = [p for p in parameters if p in frame.columns]
    outputs = _outputs(frame, parameters)
    runtimes = [c for c in frame.columns if c.startswith("runtime_sec_")]
    written = [
        _scatter_matrix(frame, parameters, outputs, out, plt),
        _histograms(frame, outputs, "outputs", out / "outputs.png", plt),
        _histograms(frame, runtimes, "runtime per run (s)", out / "runtimes.png", plt),
        _progress(finished, out / "progress.png", plt),
        _model_quality(quality, out / "model_quality.png", plt),
    ]
    return [path for path in written if path is not None]
