"""Relative paths: where they start is a stated rule, and `paths: config` runs from anywhere."""

from __future__ import annotations

import pandas as pd
import pytest
from campaign_configs import write_config
from relative_paths import project_folder, relative_config

pytestmark = pytest.mark.integration


def _config(paths: str | None) -> dict:
    runner = {
        "type": "CommandRunner",
        "command": ["cat", "input.txt"],
        "inputs": [{"template": "input.txt.j2"}],
        "outputs": [{"type": "regex", "pattern": r"x=(?P<seen>\S+)"}],
    }
    return relative_config(runner, paths)


@pytest.fixture
def project(tmp_path):
    return project_folder(tmp_path)


def test_paths_config_runs_the_same_from_another_directory(tmp_path, project, enchanted):
    config = write_config(project / "c.yaml", _config("config"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = enchanted("run", "../project/c.yaml", cwd=elsewhere)
    assert done.returncode == 0, done.stderr
    df = pd.read_csv(project / "runs" / "enchanted_dataset.csv")
    assert sorted(df["seen"]) == [1, 2]
    assert not (elsewhere / "runs").exists()
    assert config.exists()


def test_by_default_a_missing_file_names_where_relative_paths_start(tmp_path, project, enchanted):
    write_config(project / "c.yaml", _config(None))
    done = enchanted("validate", "project/c.yaml", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"relative paths start at {tmp_path}, where you run" in done.stderr
    assert "`paths: config`" in done.stderr


def test_the_run_dir_column_is_the_path_the_program_was_given(project, enchanted):
    config = _config(None)
    config["runners"]["r"]["command"] = ["sh", "-c", "cat input.txt; echo dir=$0", "{run_dir}"]
    config["runners"]["r"]["outputs"].append({"type": "regex", "pattern": r"dir=(?P<given>.*)"})
    write_config(project / "c.yaml", config)
    done = enchanted("run", "c.yaml", cwd=project)
    assert done.returncode == 0, done.stderr
    df = pd.read_csv(project / "runs" / "enchanted_dataset.csv")
    assert (df["run_dir"] == df["given"]).all()
    assert df["run_dir"].str.startswith(str(project / "runs" / "data")).all()
