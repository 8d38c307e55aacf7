"""`enchanted plot` writes real, non-blank PNG figures of a campaign, headless."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from campaign_configs import basic_config, write_config
from matplotlib.image import imread

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]


def _check_png(path) -> None:
    image = imread(path)
    height, width = image.shape[:2]
    assert height >= 300 and width >= 300, path
    assert float(np.std(image[..., :3])) > 0.05, f"{path} looks blank"


def test_plot_of_the_quickstart_writes_non_blank_figures(tmp_path, enchanted):
    config = yaml.safe_load((REPO / "examples" / "quickstart.yaml").read_text())
    config["supervisor"]["base_run_dir"] = str(tmp_path / "qs")
    path = write_config(tmp_path / "quickstart.yaml", config)
    assert enchanted("run", path, cwd=tmp_path).returncode == 0
    done = enchanted("plot", tmp_path / "qs", "-o", tmp_path / "figs", cwd=tmp_path, timeout=180)
    assert done.returncode == 0, done.stderr
    written = sorted(p.name for p in (tmp_path / "figs").glob("*.png"))
    assert written == ["outputs.png", "parameters.png", "progress.png", "runtimes.png"]
    assert done.stdout.count(".png") == 4
    for png in (tmp_path / "figs").glob("*.png"):
        _check_png(png)


def test_plot_with_failed_runs_and_a_default_folder(tmp_path, enchanted):
    base = tmp_path / "run"
    sampler = {
        "type": "RandomSampler",
        "parameters": ["x1", "x2", "x3"],
        "bounds": [[0, 1]] * 3,
        "budget": 40,
        "seed": 2,
    }
    config = basic_config(base, {"type": "es_test_plugins:ThresholdRunner"}, sampler)
    assert enchanted("run", write_config(tmp_path / "c.yaml", config), cwd=tmp_path).returncode == 0
    done = enchanted("plot", base, cwd=tmp_path, timeout=180)
    assert done.returncode == 0, done.stderr
    for png in (base / "plots").glob("*.png"):
        _check_png(png)
    assert (base / "plots" / "parameters.png").exists()


def _figures(monkeypatch, base):
    """Plot in this process and keep the figures open, to read what they show."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from enchanted_surrogates.cli.plots import plot_campaign

    plt.close("all")
    monkeypatch.setattr(plt, "close", lambda *args: None)
    written = plot_campaign(base)
    figures = {}
    for number in plt.get_fignums():
        fig = plt.figure(number)
        figures[fig._suptitle.get_text() if fig._suptitle else fig.axes[0].get_title()] = fig
    return written, figures


def test_failed_runs_are_shown_and_every_axis_is_labelled(tmp_path, enchanted, monkeypatch):
    import pandas as pd

    base = tmp_path / "run"
    sampler = {
        "type": "RandomSampler",
        "parameters": ["x1", "x2"],
        "bounds": [[0, 1]] * 2,
        "budget": 30,
        "seed": 2,
    }
    config = basic_config(base, {"type": "es_test_plugins:ThresholdRunner"}, sampler)
    config["supervisor"]["stop_if_first_runs_fail"] = 0
    enchanted("run", write_config(tmp_path / "c.yaml", config), cwd=tmp_path)
    frame = pd.read_csv(base / "enchanted_dataset.csv")
    failed = int((~frame["success"]).sum())
    assert 0 < failed < len(frame)
    _, figures = _figures(monkeypatch, base)
    scatter = next(f for title, f in figures.items() if title.startswith("parameters"))
    off_diagonal = scatter.axes[1]  # x2 against x1
    shown = sum(len(c.get_offsets()) for c in off_diagonal.collections)
    assert shown == len(frame)  # failed runs are not dropped
    crosses = [c for c in off_diagonal.collections if len(c.get_offsets()) == failed]
    assert crosses, "the failed runs are not drawn as their own series"
    assert scatter.axes[0].get_ylabel() == "runs"  # a histogram's axis counts runs
    n = 2  # a 2 x 2 matrix: the bottom row names x, the left column y (or "runs")
    assert [ax.get_xlabel() for ax in scatter.axes[n * (n - 1) : n * n]] == ["x1", "x2"]
    assert [scatter.axes[i * n].get_ylabel() for i in range(n)] == ["runs", "x2"]
    for title, fig in figures.items():
        if fig is scatter:
            continue
        for ax in fig.axes:
            if ax.get_visible() and ax.axison and ax.has_data():
                assert ax.get_xlabel() and ax.get_ylabel(), f"{title}: unlabelled axis"
    progress = figures["progress"].axes[0]
    assert progress.get_xlabel() == "seconds since the first row"  # a short campaign


def test_a_nested_campaign_gets_one_figure_per_level(tmp_path, enchanted):
    config = yaml.safe_load((REPO / "examples" / "nested.yaml").read_text())
    config["supervisor"]["base_run_dir"] = str(tmp_path / "nested")
    path = write_config(tmp_path / "nested.yaml", config)
    assert enchanted("run", path, cwd=tmp_path, timeout=300).returncode == 0
    done = enchanted("plot", tmp_path / "nested", cwd=tmp_path, timeout=180)
    assert done.returncode == 0, done.stderr
    written = {p.name for p in (tmp_path / "nested" / "plots").glob("*.png")}
    assert {"parameters_level0.png", "parameters_level1.png", "progress.png"} <= written
    assert "parameters.png" not in written
