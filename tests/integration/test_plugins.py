"""The example plugin package, installed for real, is used by its entry-point names."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import numpy as np
import pandas as pd
import pytest
import yaml

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
PLUGIN = REPO / "examples" / "plugin"


@pytest.fixture(scope="module")
def plugin_env(tmp_path_factory) -> dict[str, str]:
    """Environment variables under which the plugin is pip-installed (into a target folder
    on the path, so the developer's own environment is left as it was)."""
    site = tmp_path_factory.mktemp("site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(site),
            str(PLUGIN),
        ],
        check=True,
        stdin=subprocess.DEVNULL,
    )
    return {"PYTHONPATH": os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))}


def test_the_plugin_runner_and_parser_run_a_campaign(plugin_env, tmp_path, enchanted):
    config = yaml.safe_load((PLUGIN / "campaign.yaml").read_text())
    config["supervisor"]["base_run_dir"] = str(tmp_path / "run")
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(config))
    done = enchanted("run", path, cwd=tmp_path, env=plugin_env, timeout=180)
    assert done.returncode == 0, done.stderr
    df = pd.read_csv(tmp_path / "run" / "enchanted_dataset.csv")
    assert len(df) == 32 and df["success"].all()
    expected = (1 - df["x"]) ** 2 + 100 * (df["y"] - df["x"] ** 2) ** 2
    assert (df["rosenbrock"] - expected).abs().max() < 1e-9
    assert (df["log_rosenbrock"] - np.log10(1 + expected)).abs().max() < 1e-6


def test_plugin_types_are_validated_and_in_the_schema(plugin_env, tmp_path, enchanted):
    config = yaml.safe_load((PLUGIN / "campaign.yaml").read_text())
    schema = json.loads(enchanted("schema", cwd=tmp_path, env=plugin_env).stdout)
    assert jsonschema.Draft202012Validator(schema).is_valid(config)
    config["runners"]["banana"]["bb"] = 1.0
    assert not jsonschema.Draft202012Validator(schema).is_valid(config)
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(config))
    done = enchanted("validate", path, cwd=tmp_path, env=plugin_env)
    assert done.returncode == 2 and "runners.banana.bb: unknown key" in done.stderr


def test_without_the_plugin_the_type_is_a_config_error(tmp_path, enchanted):
    done = enchanted("validate", PLUGIN / "campaign.yaml", cwd=tmp_path)
    assert done.returncode == 2
    assert "runners.banana.type: unknown type 'rosenbrock'" in done.stderr
    assert "Traceback" not in done.stderr
