"""A plugin in the shape of the original's plugin template, pip-installed for real, runs
unchanged: keyword calls, `other_params`, a fresh runner per run, the original's parser
method names, and the modules such plugins import."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

pytestmark = pytest.mark.integration

PLUGIN = Path(__file__).resolve().parents[1] / "helpers" / "original_style_plugin"


@pytest.fixture(scope="module")
def plugin_env(tmp_path_factory) -> dict[str, str]:
    """PYTHONPATH under which the plugin is installed (into a target folder, so the
    developer's environment is left as it was)."""
    site = tmp_path_factory.mktemp("site")
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "install", "--quiet", "--no-deps"),
            *("--no-build-isolation", "--target", str(site), str(PLUGIN)),
        ],
        check=True,
        stdin=subprocess.DEVNULL,
    )
    return {"PYTHONPATH": os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))}


def _write(tmp_path: Path, config: dict) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def _original_config(base: Path, runner: dict, executor: str = "LocalExecutor") -> dict:
    return {
        "executors": {"e1": {"type": executor}},
        "samplers": {
            "s1": {
                "type": "GridSampler",
                "bounds": [[0, 1], [10, 20]],
                "num_samples": 3,
                "parameters": ["x", "y"],
            }
        },
        "runners": {"r1": runner},
        "supervisor": {
            "base_run_dir": str(base),
            "run_order": [{"executor": "e1", "sampler": "s1", "runner": "r1"}],
        },
    }


STYLE_RUNNER = {
    "type": "StyleRunner",
    "executable_path": "/opt/code/bin/solver",
    "other_params": {"scale": 3.0},
}


@pytest.mark.parametrize("limits", [{}, {"timeout": 60}], ids=["in_worker", "limited_child"])
def test_template_shaped_runner_runs_a_campaign(plugin_env, tmp_path, enchanted, limits):
    config = _original_config(tmp_path / "run", {**STYLE_RUNNER, **limits})
    done = enchanted("run", _write(tmp_path, config), cwd=tmp_path, env=plugin_env)
    assert done.returncode == 0, done.stderr
    df = pd.read_csv(tmp_path / "run" / "enchanted_dataset.csv")
    assert len(df) == 9 and df["success"].all()
    # params and run_dir arrived in the right arguments, other_params in the constructor
    assert ((df["f"] - (3.0 * df["x"] + df["y"])).abs() < 1e-9).all()
    assert set(df["executable"]) == {"solver"}
    # a fresh instance per run: the counter kept in self never reaches 2
    assert set(df["runs_on_this_instance"]) == {1}
    assert df["numpy_available"].all()


def test_template_shaped_runner_on_dask(plugin_env, tmp_path, enchanted):
    config = _original_config(tmp_path / "run", STYLE_RUNNER, executor="DaskExecutor")
    config["executors"]["e1"]["LocalCluster_config"] = {"n_workers": 1, "threads_per_worker": 1}
    done = enchanted("run", _write(tmp_path, config), cwd=tmp_path, env=plugin_env, timeout=240)
    assert done.returncode == 0, done.stderr
    df = pd.read_csv(tmp_path / "run" / "enchanted_dataset.csv")
    assert len(df) == 9 and df["success"].all()
    assert set(df["runs_on_this_instance"]) == {1}


def test_a_parser_with_read_output_file_reads_a_command_runs_outputs(
    plugin_env, tmp_path, enchanted
):
    write = "open('output.txt', 'w').write('f = {x}\\ng = 2.5\\n')"
    runner = {
        "type": "CommandRunner",
        "command": [sys.executable, "-c", write],
        "outputs": [{"type": "style_parser"}],
    }
    config = _original_config(tmp_path / "run", runner)
    done = enchanted("run", _write(tmp_path, config), cwd=tmp_path, env=plugin_env)
    assert done.returncode == 0, done.stderr
    df = pd.read_csv(tmp_path / "run" / "enchanted_dataset.csv")
    assert len(df) == 9 and df["success"].all()
    assert ((df["f"] - df["x"]).abs() < 1e-9).all() and set(df["g"]) == {2.5}


def test_load_plugins_finds_the_installed_runner_and_parser(plugin_env, tmp_path):
    script = (
        "from enchanted_surrogates import load_plugins\n"
        "plugins = load_plugins()\n"
        "print(plugins['style_runner'].__name__, plugins['style_parser'].__name__)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env={**os.environ, **plugin_env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["StyleRunner", "StyleParser"]
