"""A run reaches the run before it: a child its parent's files, a stage the previous
stage's, through `{parent_run_dir}` / `{previous_run_dir}` in commands, templates, `copy`
and `link`; child rows join their parents, and a parent's runtime is not one per child."""

from __future__ import annotations

import os

import pandas as pd
import pytest
from campaign_configs import write_config

import enchanted_surrogates

pytestmark = pytest.mark.integration

WRITER = {
    "type": "CommandRunner",
    "command": ["sh", "-c", "echo $0 > profile.dat; echo $(($0 * 10)) > mesh.dat", "{x}"],
}
READ_PROFILE = {"type": "regex", "pattern": r"profile (?P<from_parent>\S+)"}


def _campaign(tmp_path, runners: dict, run_order: list[dict], **supervisor) -> dict:
    return {
        "executors": {"e": {"type": "LocalExecutor", "max_workers": 2}},
        "samplers": {
            "s1": {"type": "ArraySampler", "parameters": ["x"], "values": [[1, 2]]},
            "s2": {"type": "ArraySampler", "parameters": ["y"], "values": [[10, 20]]},
        },
        "runners": runners,
        "supervisor": {
            "base_run_dir": str(tmp_path / "runs"),
            "save_files": "all",
            "run_order": run_order,
            **supervisor,
        },
    }


def _nested(tmp_path, child: dict, **supervisor) -> dict:
    order = [
        {"sampler": "s1", "executor": "e", "runner": "writer"},
        {"sampler": "s2", "executor": "e", "runner": "child"},
    ]
    return _campaign(tmp_path, {"writer": WRITER, "child": child}, order, **supervisor)


def test_a_child_links_and_copies_its_parents_files_and_reads_them(tmp_path):
    child = {
        "type": "CommandRunner",
        "command": ["sh", "-c", 'echo "profile $(cat profile.dat) mesh $(cat mesh.dat)"'],
        "link": ["{parent_run_dir}/profile.dat"],
        "copy": ["{parent_run_dir}/mesh.dat"],
        "outputs": [READ_PROFILE, {"type": "regex", "pattern": r"mesh (?P<mesh>\S+)"}],
    }
    df = enchanted_surrogates.run(_nested(tmp_path, child))
    children = df[df["level"] == 1]
    assert len(children) == 4 and (children["status"] == "SUCCESS").all(), children["error"]
    assert (children["from_parent"] == children["x"]).all()
    assert (children["mesh"] == 10 * children["x"]).all()
    for _, row in children.iterrows():
        link = os.path.join(row["run_dir"], "profile.dat")
        assert os.readlink(link) == os.path.join(row["parent_run_dir"], "profile.dat")
        assert not os.path.islink(os.path.join(row["run_dir"], "mesh.dat"))


def test_a_parent_file_that_is_missing_fails_the_child_naming_the_path(tmp_path):
    child = {"type": "CommandRunner", "command": ["true"], "link": ["{parent_run_dir}/nope.dat"]}
    df = enchanted_surrogates.run(_nested(tmp_path, child))
    children = df[df["level"] == 1]
    assert len(children) == 4 and (children["status"] == "FAILED").all()
    for _, row in children.iterrows():
        assert f"link: no file or directory '{row['parent_run_dir']}/nope.dat'" in row["error"]


def test_stage_two_reads_stage_ones_output_through_the_placeholder(tmp_path):
    first = {"type": "CommandRunner", "command": ["sh", "-c", "echo $0 > out.txt", "{x}"]}
    second = {
        "type": "CommandRunner",
        "command": [
            "sh",
            "-c",
            'echo "profile $(cat "$0") copy $(cat out.txt)"',
            "{previous_run_dir}/out.txt",
        ],
        "copy": ["{previous_run_dir}/out.txt"],
        "inputs": [{"template": str(tmp_path / "where.j2"), "dest": "where.txt"}],
        "outputs": [READ_PROFILE, {"type": "regex", "pattern": r"copy (?P<from_copy>\S+)"}],
    }
    (tmp_path / "where.j2").write_text("{{ previous_run_dir }}\n")
    order = [{"sampler": "s1", "executor": ["e", "e"], "runner": ["first", "second"]}]
    df = enchanted_surrogates.run(_campaign(tmp_path, {"first": first, "second": second}, order))
    assert len(df) == 2 and (df["status"] == "SUCCESS").all(), df["error"]
    assert (df["from_parent"] == df["x"]).all() and (df["from_copy"] == df["x"]).all()
    for _, row in df.iterrows():
        assert row["previous_run_dir"] == row["run_dir"].replace("_r1", "_r0")
        written = (tmp_path / row["run_dir"] / "where.txt").read_text().strip()
        assert written == row["previous_run_dir"]
    assert "parent_run_dir" not in df.columns  # one level: stages are not parents


def _nested_chain(tmp_path, **supervisor) -> dict:
    reader = {
        "type": "CommandRunner",
        "command": ["sh", "-c", 'echo "profile $(cat "$0")"', "{parent_run_dir}/profile.dat"],
        "outputs": [READ_PROFILE],
    }
    runners = {"writer": WRITER, "prepare": {"type": "CommandRunner", "command": ["true"]}}
    runners["reader"] = reader
    order = [
        {"sampler": "s1", "executor": "e", "runner": "writer"},
        {"sampler": "s2", "executor": ["e", "e"], "runner": ["prepare", "reader"]},
    ]
    return _campaign(tmp_path, runners, order, **supervisor)


def test_every_stage_of_a_child_chain_reaches_the_parent_and_rows_join(tmp_path):
    df = enchanted_surrogates.run(_nested_chain(tmp_path))
    parents, children = df[df["level"] == 0], df[df["level"] == 1]
    assert len(children) == 4 and (children["status"] == "SUCCESS").all(), children["error"]
    assert (children["from_parent"] == children["x"]).all()  # stage 2 read the parent's file
    joined = children.merge(
        parents[["run_dir", "x", "runtime_sec_writer"]],
        left_on="parent_run_dir",
        right_on="run_dir",
        suffixes=("", "_of_parent"),
    )
    assert len(joined) == 4 and (joined["x"] == joined["x_of_parent"]).all()
    assert (joined["parent_runtime_sec_writer"] == joined["runtime_sec_writer_of_parent"]).all()
    assert children["runtime_sec_writer"].isna().all()  # the parent's runtime, not the child's


def test_summed_runtimes_and_the_resource_report_count_each_run_once(tmp_path, enchanted):
    config = write_config(tmp_path / "c.yaml", _nested_chain(tmp_path))
    done = enchanted("run", config, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    df = enchanted_surrogates.load_dataset(tmp_path / "runs")
    runs = 2 + 4 * 2  # two parents; four children of two stages
    assert int(df.filter(regex="^runtime_sec_").notna().sum().sum()) == runs
    status = enchanted("status", tmp_path / "runs", cwd=tmp_path)
    assert f"core-hours used by {runs} runs" in status.stdout, status.stdout
    log = (tmp_path / "runs" / "logs" / "main.log").read_text()
    assert f"core-hours used by {runs} runs" in log


def test_the_original_switch_keeps_the_parents_column_names(tmp_path):
    config = _nested_chain(tmp_path, nested_parent_columns="original")
    df = enchanted_surrogates.run(config)
    parents, children = df[df["level"] == 0], df[df["level"] == 1]
    by_dir = parents.set_index("run_dir")["runtime_sec_writer"]
    assert (children["runtime_sec_writer"] == children["parent_run_dir"].map(by_dir)).all()
    assert "parent_runtime_sec_writer" not in df.columns


def test_changing_the_switch_on_resume_is_refused(tmp_path, enchanted):
    config = write_config(tmp_path / "c.yaml", _nested_chain(tmp_path))
    assert enchanted("run", config, cwd=tmp_path).returncode == 0
    write_config(config, _nested_chain(tmp_path, nested_parent_columns="original"))
    refused = enchanted("run", config, "--resume", cwd=tmp_path)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "supervisor.nested_parent_columns: changed" in refused.stderr


def test_the_dataset_files_agree_on_the_child_columns(tmp_path):
    df = enchanted_surrogates.run(_nested_chain(tmp_path))
    every_level = pd.read_csv(tmp_path / "runs" / "enchanted_all_levels_dataset.csv")
    assert list(every_level.columns) == list(df.columns)
    assert every_level["parent_runtime_sec_writer"].notna().sum() == 4
