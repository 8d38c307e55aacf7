"""Replay and the streamed dataset rows after `--retry-failed` reopened a chain."""

from __future__ import annotations

from enchanted_surrogates.journal import Journal
from enchanted_surrogates.journal.replay import iter_final_rows, replay

RUN = {"level": 0, "stage": 0, "parent": 0}


def _final(journal: Journal, index: int, ok: bool, tag: str) -> None:
    row = {"x": index, "success": ok, "status": "SUCCESS" if ok else "FAILED", "tag": tag}
    event = "finished" if ok else "failed"
    journal.append(event, run_id=f"r{index}", index=index, final=True, row=row, **RUN)


def _reopen(journal: Journal, index: int, attempt: int) -> None:
    journal.append(
        "reopened", run_id=f"r{index}", index=index, attempt=attempt, params={"x": index}, **RUN
    )


def test_the_attempt_after_the_last_reopening_is_the_row(tmp_path):
    path = tmp_path / "journal.jsonl"
    with Journal(path) as journal:
        _final(journal, 0, False, "first")
        _final(journal, 1, True, "kept")
        _final(journal, 2, False, "first")
        _reopen(journal, 0, 2)
        _final(journal, 0, False, "second")
        _reopen(journal, 0, 3)
        _final(journal, 0, True, "third")
        _reopen(journal, 2, 2)  # killed before its new attempt ended
    rows = [(row["x"], row["tag"]) for row in iter_final_rows(path)]
    assert rows == [(1, "kept"), (0, "third")]
    level = replay(path).levels[0]
    assert [(key, row["tag"]) for key, row in level.ended.items()] == [
        ((1, 0), "kept"),
        ((0, 0), "third"),
    ]
    chain = level.open[(2, 0)]
    assert (chain.stage, chain.attempt, chain.params) == (0, 2, {"x": 2})


def test_without_reopenings_the_first_final_row_still_wins(tmp_path):
    path = tmp_path / "journal.jsonl"
    with Journal(path) as journal:
        _final(journal, 0, False, "first")
        _final(journal, 0, True, "duplicate")
    assert [row["tag"] for row in iter_final_rows(path)] == ["first"]
    assert replay(path).levels[0].ended[(0, 0)]["tag"] == "first"
