"""save_files pruning and local_storage staging, on real directories."""

from __future__ import annotations

import os
from pathlib import Path

from enchanted_surrogates.storage.run_files import (
    FilePolicy,
    finish_run_dir,
    local_root,
    names_variable,
    work_dir,
)


def _make_run(root: Path) -> Path:
    run = root / "data" / "d0_b0_s0_r0"
    (run / "sub" / "deep").mkdir(parents=True)
    for name in ["out.dat", "log.txt", "sub/keep.h5", "sub/drop.txt", "sub/deep/x.dat"]:
        (run / name).write_text(name)
    return run


def _files(run: Path) -> set[str]:
    return {p.relative_to(run).as_posix() for p in run.rglob("*") if not p.is_dir()}


def test_custom_keeps_exactly_the_listed_names_and_globs(tmp_path):
    run = _make_run(tmp_path)
    FilePolicy("custom", ("*.dat", "sub/*.h5")).prune(run)
    assert _files(run) == {"out.dat", "sub/keep.h5", "sub/deep/x.dat"}


def test_a_folder_pattern_keeps_everything_inside_it(tmp_path):
    run = _make_run(tmp_path)
    FilePolicy("custom", ("sub",)).prune(run)
    assert _files(run) == {"sub/keep.h5", "sub/drop.txt", "sub/deep/x.dat"}


def test_custom_removes_folders_left_empty(tmp_path):
    run = _make_run(tmp_path)
    FilePolicy("custom", ("out.dat",)).prune(run)
    assert _files(run) == {"out.dat"}
    assert not (run / "sub").exists()


def test_pruning_never_follows_a_symlink_out_of_the_run_dir(tmp_path):
    run = _make_run(tmp_path)
    outside = tmp_path / "inputs"
    outside.mkdir()
    (outside / "mesh.dat").write_text("precious")
    (run / "linked").symlink_to(outside)
    (run / "link.txt").symlink_to(outside / "mesh.dat")
    FilePolicy("custom", ("out.dat",)).prune(run)
    assert (outside / "mesh.dat").read_text() == "precious"
    assert not (run / "linked").exists() and not (run / "link.txt").exists()


def test_none_removes_the_run_dir_and_all_keeps_everything(tmp_path):
    run = _make_run(tmp_path)
    FilePolicy("all").prune(run)
    assert len(_files(run)) == 5
    FilePolicy("none").prune(run)
    assert not run.exists()
    assert (tmp_path / "data").is_dir()


def test_the_datapoint_csv_is_written_only_where_it_is_kept():
    assert FilePolicy("all").writes_datapoint
    assert not FilePolicy("none").writes_datapoint
    assert not FilePolicy("custom", ("*.dat",)).writes_datapoint
    assert FilePolicy("custom", ("*.csv",)).writes_datapoint


def test_local_storage_names_a_variable_or_a_path(tmp_path, monkeypatch):
    monkeypatch.setenv("ES_LOCAL", str(tmp_path))
    for spelling in ["ES_LOCAL", "$ES_LOCAL", "${ES_LOCAL}"]:
        assert names_variable(spelling)
        assert local_root(spelling) == tmp_path
    assert local_root("$ES_LOCAL/sub") == tmp_path / "sub"
    assert not names_variable("/scratch/me")
    assert not names_variable("scratch")  # a bare name is a variable only in capitals
    assert local_root("scratch") == Path("scratch")
    assert local_root("/scratch/me") == Path("/scratch/me")
    monkeypatch.delenv("ES_LOCAL")
    assert local_root("ES_LOCAL") is None
    assert local_root("$ES_LOCAL/sub") is None
    assert local_root(None) is None


def test_a_staged_run_moves_its_kept_files_home_and_leaves_nothing_local(tmp_path, monkeypatch):
    local = tmp_path / "node-local"
    local.mkdir()
    (local / "someone-elses.txt").write_text("untouched")
    monkeypatch.setenv("ES_LOCAL", str(local))
    policy = FilePolicy("custom", ("*.dat",), local_storage="ES_LOCAL", campaign_key="abc")
    run_dir = str(tmp_path / "base" / "data" / "d0_b0_s0_r0")
    os.makedirs(os.path.dirname(run_dir))
    work = work_dir(run_dir, policy)
    assert work == str(local / "enchanted-abc" / "d0_b0_s0_r0")
    os.makedirs(work)
    Path(work, "out.dat").write_text("1")
    Path(work, "big.tmp").write_text("2")
    finish_run_dir(run_dir, work, policy, prune=True)
    assert _files(Path(run_dir)) == {"out.dat"}
    # the campaign's folder stays empty for other workers; the supervisor removes it
    assert list((local / "enchanted-abc").iterdir()) == []
    assert (local / "someone-elses.txt").read_text() == "untouched"


def test_a_run_others_read_moves_home_whole(tmp_path, monkeypatch):
    monkeypatch.setenv("ES_LOCAL", str(tmp_path / "local"))
    policy = FilePolicy("none", local_storage="ES_LOCAL", campaign_key="k")
    run_dir = str(tmp_path / "data" / "d0_b0_s0_r0")
    os.makedirs(tmp_path / "data")
    work = work_dir(run_dir, policy)
    os.makedirs(work)
    Path(work, "scratch.tmp").write_text("x")
    finish_run_dir(run_dir, work, policy, prune=False)
    assert _files(Path(run_dir)) == {"scratch.tmp"}


def test_without_local_storage_a_run_executes_in_place(tmp_path):
    run_dir = str(tmp_path / "d0_b0_s0_r0")
    assert work_dir(run_dir, None) == run_dir
    assert work_dir(run_dir, FilePolicy("none", local_storage="ES_UNSET_VAR")) == run_dir
