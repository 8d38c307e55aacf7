"""Write an analysis: report.json (everything), indices.csv (one row per index), bar plots."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

INDEX_KEYS = {"S1": "S1_conf", "ST": "ST_conf", "mu_star": "mu_star_conf"}


def index_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per (output, parent, method, parameter, index) with its interval if known."""
    rows = []
    for result in report["results"]:
        for estimate in result["estimates"]:
            for parameter, values in estimate.get("indices", {}).items():
                for key, conf_key in INDEX_KEYS.items():
                    if key not in values:
                        continue
                    conf = values.get(conf_key)
                    rows.append(
                        {
                            "output": result["output"],
                            "parent": result["parent"],
                            "method": estimate["method"],
                            "parameter": parameter,
                            "index": key,
                            "value": values[key],
                            "low": None if conf is None else values[key] - conf,
                            "high": None if conf is None else values[key] + conf,
                        }
                    )
    return rows


def write_report(report: dict[str, Any], out: Path, plots: bool = True) -> list[Path]:
    """Write the report files into `out`; plots only if matplotlib is installed."""
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "report.json", out / "indices.csv"]
    written[0].write_text(json.dumps(report, indent=2))
    table = pd.DataFrame(index_rows(report))
    table.to_csv(written[1], index=False)
    if plots:
        try:
            from enchanted_surrogates.cli.plots import _pyplot

            plt = _pyplot()
        except ImportError:
            return written
        written += _index_plots(table, out, plt)
        written += _curve_plots(report, out, plt)
    return written


def _index_plots(table: pd.DataFrame, out: Path, plt: Any) -> list[Path]:
    paths = []
    if table.empty:
        return paths
    for (output, parent), group in table.groupby(["output", "parent"]):
        panels = list(group.groupby(["method", "index"]))
        fig, axes = plt.subplots(1, len(panels), figsize=(3.2 * len(panels), 3.2), squeeze=False)
        for ax, ((method, index), rows) in zip(axes[0], panels):
            errors = None
            if rows["low"].notna().all():
                errors = [rows["value"] - rows["low"], rows["high"] - rows["value"]]
            ax.bar(rows["parameter"], rows["value"], yerr=errors, capsize=4, color="tab:blue")
            ax.set_title(f"{method}: {index}")
            ax.tick_params(axis="x", rotation=45)
        fig.suptitle(f"{output}" + (f" (parent {parent})" if parent else ""))
        fig.tight_layout()
        path = out / f"indices_{output}{f'_p{parent}' if parent else ''}.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        paths.append(path)
    return paths


def _curve_plots(report: dict[str, Any], out: Path, plt: Any) -> list[Path]:
    paths = []
    for result in report["results"]:
        curve = result.get("learning_curve")
        if not curve:
            continue
        fig, ax = plt.subplots(figsize=(4.5, 3.2))
        runs = [c["runs"] for c in curve]
        ax.errorbar(
            runs,
            [c["nrmse"] for c in curve],
            yerr=[c["nrmse_std"] for c in curve],
            marker="o",
            capsize=3,
        )
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("runs")
        ax.set_ylabel("CV error / std of output")
        ax.set_title(f"{result['output']}: {result['surrogate']} learning curve")
        fig.tight_layout()
        path = out / f"learning_curve_{result['output']}.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        paths.append(path)
    return paths
