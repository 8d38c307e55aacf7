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
