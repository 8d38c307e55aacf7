"""`enchanted_surrogates.run(path)` follows the command's relative-path rule: with
`paths: config` a campaign runs the same from any working directory, which comes back."""

from __future__ import annotations

import os

import pytest
from campaign_configs import write_config
from relative_paths import project_folder, relative_config

import enchanted_surrogates
from enchanted_surrogates import ConfigError

pytestmark = pytest.mark.integration


def _config(paths: str | None, template: str = "input.txt.j2") -> dict:
    runner = {
        "type": "CommandRunner",
        "command": ["sh", "-c", "cat input.txt; echo dir=$0", "{run_dir}"],
        "inputs": [{"template": template}],
        "copy": ["mesh.dat"],
        "outputs": [
            {"type": "regex", "pattern": r"x=(?P<seen>\S+)"},
            {"type": "regex", "pattern": r"dir=(?P<given>.*)"},
        ],
    }
    return relative_config(runner, paths)


@pytest.fixture
def project(tmp_path):
    return project_folder(tmp_path)


@pytest.fixture
def elsewhere(tmp_path, monkeypatch):
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def test_paths_config_runs_from_another_directory_and_gives_it_back(project, elsewhere):
    write_config(project / "c.yaml", _config("config"))
    df = enchanted_surrogates.run("../project/c.yaml")
    assert sorted(df["seen"]) == [1, 2] and (df["status"] == "SUCCESS").all()
    assert os.getcwd() == str(elsewhere)
    assert not (elsewhere / "runs").exists()
    assert (project / "runs" / "enchanted_dataset.csv").exists()
    # the run_dir column and {run_dir} are the same absolute path
    assert (df["run_dir"] == df["given"]).all()
    assert df["run_dir"].str.startswith(str(project / "runs" / "data")).all()


def test_a_base_run_dir_given_to_run_is_relative_to_the_caller(project, elsewhere):
    write_config(project / "c.yaml", _config("config"))
    df = enchanted_surrogates.run(project / "c.yaml", base_run_dir="here")
    assert df["run_dir"].str.startswith(str(elsewhere / "here" / "data")).all()
    assert not (project / "runs").exists()


def test_a_missing_file_names_the_config_directory_it_was_looked_for_in(project, elsewhere):
    write_config(project / "c.yaml", _config("config", template="missing.j2"))
    with pytest.raises(ConfigError) as info:
        enchanted_surrogates.run("../project/c.yaml")
    message = str(info.value)
    assert f"relative paths start at {project}, the config file's directory" in message
    assert os.getcwd() == str(elsewhere)
    assert not (project / "runs").exists()


def test_without_the_rule_paths_start_where_the_caller_is(project, elsewhere):
    write_config(project / "c.yaml", _config(None))
    with pytest.raises(ConfigError) as info:
        enchanted_surrogates.run("../project/c.yaml")
    assert f"relative paths start at {elsewhere}, where you run" in str(info.value)
