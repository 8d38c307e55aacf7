"""journal.checkpoint: replay and status start from it only while the journal still begins
with the bytes it was derived from; any mismatch means a full replay of the journal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from enchanted_surrogates.cli.campaign_status import campaign_status
from enchanted_surrogates.journal import Journal
from enchanted_surrogates.journal import checkpoint as journal_checkpoint
from enchanted_surrogates.journal.checkpoint import checkpoint_path
from enchanted_surrogates.journal.replay import REPLAY_KEY, replay


@pytest.fixture(autouse=True)
def checkpoint_every_read(monkeypatch):
    """Checkpoint after any read, however short (real campaigns wait for ~24 MB)."""
    monkeypatch.setattr(journal_checkpoint, "SAVE_AFTER_BYTES", 0)


def _runs(path: Path, first: int, last: int, fail: int | None = None) -> None:
    """Append the events of runs first..last-1 (asked, submitted, finished) to a journal."""
    with Journal(path) as journal:
        if first == 0:
            journal.append("campaign_started", config="x: 1", seeds={"s": 7})
            journal.append("level_started", level=0, batch_size=100, planned=100)
        for index in range(first, last):
            run = {"run_id": f"d0_b0_s{index}_r0", "level": 0, "stage": 0, "index": index}
            journal.append("asked", level=0, index=index, point={"x": index / 10})
            journal.append("submitted", **run, parent=0, params={"x": index / 10})
            ok = index != fail
            row = {"x": index / 10, "out": float("nan") if index == 3 else index, "success": ok}
            if not ok:
                row.update(status="FAILED", error="boom\nline two")
            journal.append("finished" if ok else "failed", **run, parent=0, final=True, row=row)


def _same(a: object, b: object) -> bool:
    return json.dumps(a, sort_keys=True, default=repr) == json.dumps(
        b, sort_keys=True, default=repr
    )


def _without_checkpoint(path: Path, keep_rows: bool):
    saved = checkpoint_path(path).read_bytes() if checkpoint_path(path).exists() else None
    checkpoint_path(path).unlink(missing_ok=True)
    truth = replay(path, keep_rows=keep_rows)
    if saved is not None:
        checkpoint_path(path).write_bytes(saved)
    return truth


def _tamper(path: Path, key: str, runs_finished: int) -> None:
    """Change a section's state but not what it covers: a reader that uses the checkpoint
    then shows the changed value, one that replays the journal the true one."""
    header, *sections = checkpoint_path(path).read_bytes().splitlines()
    out = [header]
    for line in sections:
        name, state = line.split(b"\t", 1)
        if name.decode() == key:
            changed = json.loads(state)
            changed["runs_finished"] = runs_finished
            state = json.dumps(changed).encode()
        out.append(name + b"\t" + state)
    checkpoint_path(path).write_bytes(b"\n".join(out) + b"\n")


@pytest.mark.parametrize("keep_rows", [True, False])
def test_replay_from_the_checkpoint_plus_the_tail_equals_a_full_replay(tmp_path, keep_rows):
    path = tmp_path / "journal.jsonl"
    _runs(path, 0, 10, fail=4)
    replay(path, keep_rows=keep_rows)
    assert checkpoint_path(path).exists()
    _runs(path, 10, 15)
    with Journal(path) as journal:  # a chain still open: to be run again on resume
        journal.append(
            "submitted", run_id="r", level=0, stage=0, index=15, parent=0, params={"x": 9}
        )
        journal.append("asked", level=0, index=16, point={"x": 1.6})  # never submitted
    resumed = replay(path, keep_rows=keep_rows)
    truth = _without_checkpoint(path, keep_rows)
    assert resumed.levels[0].asked() == 16  # 0..14 and 16
    assert resumed.levels[0].points[16] == {"x": 1.6}
    assert resumed.runs_finished == truth.runs_finished == 15
    assert list(resumed.levels[0].ended) == list(truth.levels[0].ended)
    assert _same(list(resumed.levels[0].ended.values()), list(truth.levels[0].ended.values()))
    assert resumed.levels[0].points == truth.levels[0].points
    assert list(resumed.levels[0].open) == [(15, 0)]
    assert resumed.seeds == {"s": 7} and resumed.config_text == "x: 1"


def test_the_checkpoint_is_what_replay_starts_from(tmp_path):
    path = tmp_path / "journal.jsonl"
    _runs(path, 0, 10)
    replay(path, keep_rows=False)
    _tamper(path, REPLAY_KEY, 1000)
    _runs(path, 10, 12)
    assert replay(path, keep_rows=False).runs_finished == 1002


def _rewrite_one_byte(path: Path) -> None:
    text = path.read_text()
    path.write_text(text.replace('"x":0.5', '"x":0.6', 1))  # same length, other content


def _truncate(path: Path) -> None:
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:-6]))


def _other_version(path: Path) -> None:
    header, rest = checkpoint_path(path).read_bytes().split(b"\n", 1)
    changed = json.loads(header)
    changed["version"] = "0.0.0-other"
    checkpoint_path(path).write_bytes(json.dumps(changed).encode() + b"\n" + rest)


def _garbage(path: Path) -> None:
    checkpoint_path(path).write_bytes(b"\x00not a checkpoint {{{")


@pytest.mark.parametrize(
    "change",
    [_rewrite_one_byte, _truncate, _other_version, _garbage],
    ids=["journal-rewritten", "journal-truncated", "other-version", "unreadable"],
)
def test_a_checkpoint_that_no_longer_matches_is_ignored(tmp_path, change):
    path = tmp_path / "journal.jsonl"
    _runs(path, 0, 10)
    replay(path, keep_rows=False)
    _tamper(path, REPLAY_KEY, 1000)
    change(path)
    resumed = replay(path, keep_rows=False)
    truth = _without_checkpoint(path, keep_rows=False)
    assert resumed.runs_finished == truth.runs_finished < 1000
    assert resumed.levels[0].points == truth.levels[0].points


def test_a_prefix_with_unusable_lines_is_never_checkpointed(tmp_path, caplog):
    path = tmp_path / "journal.jsonl"
    _runs(path, 0, 5)
    with open(path, "a") as handle:
        handle.write("garbage {{{\n")
    _runs(path, 5, 8)
    for _ in range(2):  # the warning on every read, not only the first
        caplog.clear()
        assert replay(path, keep_rows=False).runs_finished == 8
        assert "skipped 1 unusable line(s) (line 18" in caplog.text
    assert not checkpoint_path(path).exists()


def test_a_bad_line_after_the_checkpoint_is_numbered_in_the_whole_journal(tmp_path, caplog):
    path = tmp_path / "journal.jsonl"
    _runs(path, 0, 5)
    replay(path, keep_rows=False)
    covered = checkpoint_path(path).read_bytes()
    with open(path, "a") as handle:
        handle.write("garbage {{{\n")
    _runs(path, 5, 6)
    assert replay(path, keep_rows=False).runs_finished == 6
    assert "skipped 1 unusable line(s) (line 18" in caplog.text
    quarantine = (tmp_path / "journal.jsonl.quarantine").read_text()
    assert quarantine.startswith("18\tnot JSON")
    assert checkpoint_path(path).read_bytes() == covered  # not advanced over the bad line


def test_status_from_the_checkpoint_equals_status_from_the_journal(tmp_path):
    base = tmp_path
    path = base / "journal.jsonl"
    _runs(path, 0, 10, fail=2)
    first = campaign_status(base, now=1e10).as_dict()
    assert checkpoint_path(path).exists()
    _runs(path, 10, 13, fail=11)
    with Journal(path) as journal:
        journal.append("level_finished", level=0)
        journal.append("campaign_finished", elapsed_sec=1.0)
    resumed = campaign_status(base, now=1e10).as_dict()
    checkpoint_path(path).unlink()
    truth = campaign_status(base, now=1e10).as_dict()
    assert first["rows"] == 10
    assert resumed == truth
    assert truth["rows"] == 13 and truth["failed"] == 2 and truth["state"] == "finished"
    assert truth["common_errors"] == [("boom", 2)]


def test_status_and_replay_keep_their_own_sections(tmp_path):
    path = tmp_path / "journal.jsonl"
    _runs(path, 0, 4)
    replay(path, keep_rows=False)
    campaign_status(tmp_path)
    header = json.loads(checkpoint_path(path).read_bytes().splitlines()[0])
    assert set(header["sections"]) == {"replay", "status"}
