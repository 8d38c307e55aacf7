"""The journal: append-only JSON lines, durable, tolerant of a torn last line."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from enchanted_surrogates.journal import Journal, read_journal


def test_events_round_trip_in_order(tmp_path):
    path = tmp_path / "journal.jsonl"
    with Journal(path) as journal:
        journal.append("asked", level=0, index=0, point={"x": 0.5})
        journal.append(
            "finished",
            run_id="d0_b0_s0_r0",
            level=0,
            stage=0,
            index=0,
            parent=0,
            row={"x": 0.5, "success": True},
        )
    events = list(read_journal(path))
    assert [e["event"] for e in events] == ["asked", "finished"]
    assert events[1]["row"] == {"x": 0.5, "success": True}
    assert all(isinstance(e["t"], float) for e in events)


def test_flushed_appends_survive_a_kill_9_of_the_writer(tmp_path):
    path = tmp_path / "journal.jsonl"
    code = (
        "import os, sys\n"
        "from enchanted_surrogates.journal import Journal\n"
        f"j = Journal({str(path)!r}, sync_interval=3600)\n"
        "for i in range(100): j.append('mark', index=i)\n"
        "j.flush()\n"
        "j.append('mark', index=100)\n"
        "os.kill(os.getpid(), 9)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], timeout=60)
    assert done.returncode == -9
    # everything flushed is there, in order; the unflushed event is gone, not torn
    assert [e["index"] for e in read_journal(path)] == list(range(100))


def test_a_torn_last_line_is_ignored(tmp_path):
    path = tmp_path / "journal.jsonl"
    with Journal(path) as journal:
        journal.append("mark", index=0)
        journal.append("mark", index=1)
    with open(path, "a") as handle:
        handle.write('{"event": "finished", "run_id": "d0_b0_s1')
    assert [e["index"] for e in read_journal(path)] == [0, 1]


def test_unusable_lines_are_set_aside_with_a_warning_naming_them(tmp_path, caplog):
    path = tmp_path / "journal.jsonl"
    lines = [
        json.dumps({"event": "a"}),
        "not json",
        json.dumps({"event": "finished", "level": 0}),  # valid JSON, no run_id nor row
        json.dumps(["event"]),
        json.dumps({"event": "b"}),
    ]
    path.write_text("\n".join(lines) + "\n")
    assert [e["event"] for e in read_journal(path)] == ["a", "b"]
    assert "skipped 3 unusable line(s) (line 2, 3, 4" in caplog.text
    quarantine = (tmp_path / "journal.jsonl.quarantine").read_text().splitlines()
    assert [line.split("\t")[0] for line in quarantine] == ["2", "3", "4"]
    assert quarantine[0].endswith("\tnot json")
    assert path.read_text() == "\n".join(lines) + "\n"  # the journal is never rewritten


def test_sync_groups_fsyncs(tmp_path, monkeypatch):
    calls = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.append(fd), real_fsync(fd)))
    with Journal(tmp_path / "j.jsonl", sync_interval=3600) as journal:
        for i in range(500):
            journal.append("asked", index=i)
        assert calls == []
    assert len(calls) == 1


def _finished_campaign(path) -> None:
    with Journal(path) as journal:
        journal.append("campaign_started", config="x: 1")
        for index in range(3):
            journal.append("asked", level=0, index=index, point={"x": index})
            row = {"x": index, "output": 2 * index, "success": index != 1, "error": '"final":true'}
            journal.append(
                "finished" if index != 1 else "failed",
                run_id=f"d0_b0_s{index}_r0",
                level=0,
                stage=0,
                index=index,
                parent=0,
                final=True,
                row=row,
            )
        journal.append(  # a stage that did not end its chain: not a dataset row
            "finished", run_id="x", level=0, stage=0, index=9, parent=0, final=False, row={}
        )


def test_final_rows_stream_from_the_journal_once_each(tmp_path):
    from enchanted_surrogates.journal.replay import iter_final_rows

    path = tmp_path / "journal.jsonl"
    _finished_campaign(path)
    rows = list(iter_final_rows(path))
    assert [row["output"] for row in rows] == [0, 2, 4]


def test_replay_without_rows_keeps_only_what_resuming_needs(tmp_path):
    from enchanted_surrogates.journal.replay import replay

    path = tmp_path / "journal.jsonl"
    _finished_campaign(path)
    slim = replay(path, keep_rows=False).levels[0]
    assert slim.ended == {
        (0, 0): {"success": True},
        (1, 0): {"success": False},
        (2, 0): {"success": True},
    }
    assert replay(path).levels[0].ended[(2, 0)]["output"] == 4
