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
FAILURE_COLOURS = ("#cc3311", "#ee7733", "#aa3377", "#000000")
BOOKKEEPING_PREFIXES = (
    "success",
    "status",
    "error",
    "level",
    "run_dir",
    "runtime_sec_",
    "cpu_sec_",
    "max_rss_mb_",
    "attempts_",
)


def _max_n_locator(n: int) -> Any:
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(n)


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


def journal_facts(
    base: Path,
) -> tuple[dict[int, list[str]], list[tuple[float, bool]], list[dict]]:
    """Each level's parameter names (in asked order), (time, success) of every row, and
    the model-quality steps."""
    parameters: dict[int, dict[str, None]] = {}
    finished: dict[tuple[int, int, int], tuple[float, bool]] = {}
    quality: list[dict] = []
    for event in read_journal(base / JOURNAL_FILE):
        kind = event["event"]
        if kind == "asked":
            names = parameters.setdefault(int(event.get("level", 0)), {})
            if len(names) < 64:
                names.update(dict.fromkeys(event["point"]))
        elif kind in ("finished", "failed") and event.get("final"):
            finished.setdefault(_chain(event), (event["t"], kind == "finished"))
        elif kind == "reopened":  # --retry-failed: the next attempt's row replaces it
            finished.pop(_chain(event), None)
        elif kind == "sampler_history":
            quality.append(event)
    rows = list(finished.values())
    return {level: list(names) for level, names in parameters.items()}, rows, quality


def _chain(event: dict) -> tuple[int, int, int]:
    return event["level"], event["index"], event["parent"]


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


def _scatter_matrix(frame, parameters, outputs, path: Path, plt) -> Path | None:
    """Every parameter against every other: successful runs coloured by the first output,
    failed runs as crosses per status, so the regions where the code fails are visible."""
    shown = [p for p in parameters if pd.api.types.is_numeric_dtype(frame[p])][:MAX_PANELS]
    if not shown:
        return None
    sample = frame.sample(min(len(frame), MAX_SCATTER_ROWS), random_state=0)
    ok = sample["success"].fillna(False).astype(bool)
    good, bad = sample[ok], sample[~ok]
    n = len(shown)
    fig, axes = plt.subplots(n, n, figsize=(2.9 * n + 2.0, 2.7 * n), squeeze=False)
    fig.subplots_adjust(wspace=0.5, hspace=0.35)  # room for each panel's own y label
    colour_by = outputs[0] if outputs and good[outputs[0]].notna().any() else None
    mappable = None
    statuses = sorted(bad["status"].astype(str).unique()) if len(bad) else []
    for i, y in enumerate(shown):
        for j, x in enumerate(shown):
            ax = axes[i][j]
            if i == j:
                values = frame[x].dropna()
                ax.hist(values, bins=max(5, min(30, int(np.sqrt(len(values))))), color="#4477aa")
                ax.set_ylabel("runs")
            else:
                if colour_by:
                    mappable = ax.scatter(good[x], good[y], c=good[colour_by], s=8, cmap="viridis")
                else:
                    ax.scatter(good[x], good[y], s=8, color="#228833", label="SUCCESS")
                for k, status in enumerate(statuses):
                    rows = bad[bad["status"].astype(str) == status]
                    ax.scatter(
                        rows[x],
                        rows[y],
                        marker="x",
                        s=18,
                        color=FAILURE_COLOURS[k % 4],
                        label=f"{status} ({int((frame['status'].astype(str) == status).sum())})",
                    )
                if j == 0 or (i == 0 and j == 1):
                    ax.set_ylabel(y)
            if i == n - 1:
                ax.set_xlabel(x)
            ax.tick_params(labelsize=7)
    if mappable is not None:
        fig.colorbar(mappable, ax=axes, label=colour_by, shrink=0.8)
    if statuses or not colour_by:
        handles, labels = next(
            (a.get_legend_handles_labels() for a in axes.flat if a.get_legend_handles_labels()[0]),
            ([], []),
        )
        fig.legend(handles, labels, loc="upper left", fontsize=8, title="failed runs")
    what = f"coloured by {colour_by}" if colour_by else "successful runs in green"
    fig.suptitle(f"parameters ({what}; failed runs: crosses)")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _histograms(
    frame, columns: list[str], title: str, path: Path, plt, unit: str = ""
) -> Path | None:
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
        ax.set_xlabel(f"{column}{unit}")
        ax.set_ylabel("runs")
        ax.xaxis.set_major_locator(_max_n_locator(5))
        ax.tick_params(labelsize=8)
    for ax in list(axes.flat)[len(columns) :]:
        ax.axis("off")
    fig.suptitle(title)
    return _save(fig, path, plt)


def _time_unit(span_sec: float) -> tuple[str, float]:
    """Seconds, minutes or hours, whichever reads best for a campaign of this length."""
    if span_sec < 120:
        return "seconds", 1.0
    if span_sec < 2 * 3600:
        return "minutes", 60.0
    return "hours", 3600.0


def _progress(finished: list[tuple[float, bool]], path: Path, plt) -> Path | None:
    if not finished:
        return None
    times = np.array([t for t, _ in finished])
    ok = np.array([s for _, s in finished])
    order = np.argsort(times)
    unit, scale = _time_unit(float(times.max() - times.min()))
    elapsed = (times[order] - times.min()) / scale
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(elapsed, np.cumsum(ok[order]), label="succeeded", color="#228833")
    ax.plot(elapsed, np.cumsum(~ok[order]), label="failed", color="#cc3311")
    ax.plot(elapsed, np.arange(1, len(order) + 1), label="all rows", color="#444444", ls="--")
    ax.set_xlabel(f"{unit} since the first row")
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
    ax.set_ylabel("model error (the metric the sampler reports)")
    ax.set_title("adaptive sampler: model quality")
    ax.legend()
    return _save(fig, path, plt)


def plot_campaign(base: str | Path, out: str | Path | None = None) -> list[Path]:
    """Write the figures for a campaign into `out` (default BASE/plots); return their paths.

    A nested campaign gets one set of figures per level (`parameters_level1.png`, ...):
    its levels have different parameters and outputs.
    """
    plt = _pyplot()
    base = Path(base)
    out = Path(out) if out else base / "plots"
    out.mkdir(parents=True, exist_ok=True)
    frame = load_dataset(base)
    parameters, finished, quality = journal_facts(base)
    levels = sorted(frame["level"].dropna().unique()) if "level" in frame.columns else []
    written = []
    for level in levels or [None]:
        rows = frame if level is None else frame[frame["level"] == level]
        suffix = "" if len(levels) <= 1 else f"_level{int(level)}"
        names = parameters.get(0 if level is None else int(level), [])
        if level is not None:  # a level's rows also carry the parameters of its parents
            names = [p for q in range(int(level) + 1) for p in parameters.get(q, [])]
        names = [p for p in dict.fromkeys(names) if p in rows.columns]
        outputs = [c for c in _outputs(rows, names) if rows[c].notna().any()]
        runtimes = [
            c for c in rows.columns if c.startswith("runtime_sec_") and rows[c].notna().any()
        ]
        title = "" if not suffix else f", level {int(level)}"
        written += [
            _scatter_matrix(rows, names, outputs, out / f"parameters{suffix}.png", plt),
            _histograms(rows, outputs, f"outputs{title}", out / f"outputs{suffix}.png", plt),
            _histograms(
                rows,
                runtimes,
                f"runtime per run{title}",
                out / f"runtimes{suffix}.png",
                plt,
                unit=" (s)",
            ),
        ]
    written += [
        _progress(finished, out / "progress.png", plt),
        _model_quality(quality, out / "model_quality.png", plt),
    ]
    return [path for path in written if path is not None]
