"""compact_history: the compact `ended` and `points` of a replay without rows give the same
answers as the dicts they replace, save and load through the checkpoint, and stay small."""

from __future__ import annotations

import base64
import tracemalloc
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enchanted_surrogates.journal import Journal
from enchanted_surrogates.journal import checkpoint as journal_checkpoint
from enchanted_surrogates.journal.checkpoint import checkpoint_path
from enchanted_surrogates.journal.compact_history import (
    ENDED_POINT,
    AskedPoints,
    ChainSet,
    EndedChains,
    unended_points,
    values_in_key_order,
)
from enchanted_surrogates.journal.replay import replay

KEYS = st.tuples(st.integers(0, 40), st.integers(0, 3))
ROWS = st.sampled_from(
    [{"success": True}, {"success": False}, {"success": None}, {"success": 1}, {"success": "x"}]
) | st.fixed_dictionaries({"success": st.booleans(), "y": st.integers()})
CHAIN_OPS = st.lists(
    st.one_of(
        st.tuples(st.just("set"), KEYS, ROWS),
        st.tuples(st.just("setdefault"), KEYS, ROWS),
        st.tuples(st.just("pop"), KEYS, st.none()),
        st.tuples(st.just("del"), KEYS, st.none()),
    ),
    max_size=60,
)


def _apply(mapping, op, key, value):
    """One operation, its answer (or the exception it raised)."""
    try:
        if op == "set":
            mapping[key] = value
            return None
        if op == "setdefault":
            return mapping.setdefault(key, value)
        if op == "pop":
            return mapping.pop(key, "missing")
        del mapping[key]
    except KeyError:
        return KeyError
    return None


def _same_chains(compact: EndedChains, truth: dict) -> None:
    assert len(compact) == len(truth)
    assert list(compact) == sorted(truth)
    assert list(compact.items()) == sorted(truth.items())
    assert list(compact.values()) == [truth[key] for key in sorted(truth)]
    assert len(compact.values()) == len(compact.items()) == len(truth)
    for key in [(i, p) for i in range(-1, 42) for p in range(5)] + ["x", (1,), (1.5, 0)]:
        assert (key in compact) == (key in truth)
        assert compact.get(key) == truth.get(key)


@settings(max_examples=150, deadline=None)
@given(CHAIN_OPS)
def test_ended_chains_answer_as_a_dict(ops):
    compact, truth = EndedChains(), {}
    for op, key, value in ops:
        assert _apply(compact, op, key, value) == _apply(truth, op, key, value)
    _same_chains(compact, truth)
    _same_chains(EndedChains.load(compact.dump()), truth)


POINT_OPS = st.lists(
    st.one_of(
        st.tuples(st.just("set"), st.integers(0, 40), st.builds(dict, x=st.integers())),
        st.tuples(st.just("set"), st.integers(0, 40), st.just(ENDED_POINT)),
        st.tuples(st.just("pop"), st.integers(0, 40), st.none()),
        st.tuples(st.just("del"), st.integers(0, 40), st.none()),
    ),
    max_size=60,
)


def _same_points(compact: AskedPoints, truth: dict) -> None:
    assert len(compact) == len(truth)
    assert list(compact) == sorted(truth)
    assert unended_points(compact) == unended_points(truth)
    assert list(values_in_key_order(compact)) == values_in_key_order(truth)
    for index in range(-1, 42):
        assert (index in compact) == (index in truth)
        assert compact.get(index) == truth.get(index)
        if index in truth:
            assert (compact[index] is ENDED_POINT) == (truth[index] is ENDED_POINT)


@settings(max_examples=150, deadline=None)
@given(POINT_OPS)
def test_asked_points_answer_as_a_dict(ops):
    compact, truth = AskedPoints(), {}
    for op, index, value in ops:
        assert _apply(compact, op, index, value) == _apply(truth, op, index, value)
    _same_points(compact, truth)
    _same_points(AskedPoints.load(compact.dump()), truth)


def test_values_in_key_order_is_a_sequence_like_the_list():
    compact, truth = EndedChains(), {}
    for key, ok in [((5, 0), True), ((2, 0), False), ((9, 1), True), ((2, 1), None)]:
        compact[key] = truth[key] = {"success": ok}
    view, listed = values_in_key_order(compact), values_in_key_order(truth)
    assert len(view) == len(listed) == 4 and bool(view)
    assert [view[i] for i in range(-4, 4)] == [listed[i] for i in range(-4, 4)]
    assert view[1:3] == listed[1:3]
    with pytest.raises(IndexError):
        view[4]
    assert not values_in_key_order(EndedChains())


def _packed(data: bytes) -> str:
    return base64.b64encode(zlib.compress(data)).decode()


@pytest.mark.parametrize(
    "state",
    [
        {"parents": [[0, "not base64!"]], "odd": []},
        {"parents": [[0, _packed(b"\2")]], "odd": [[0, 0, {"y": 1}]]},  # row 0 is no odd one
        {"parents": [[0, _packed(b"\7")]], "odd": []},  # a byte beyond the codes
        {"parents": [[-1, _packed(b"\2")]], "odd": []},
        {"index": [0], "parent": [0], "success": [True]},  # the earlier columns layout
    ],
)
def test_a_state_that_is_not_one_is_refused(state):
    with pytest.raises((KeyError, TypeError, ValueError)):
        EndedChains.load(state)


def test_ended_chains_take_about_a_byte_each():
    tracemalloc.start()
    try:
        chains, points, seen = EndedChains(), AskedPoints(), ChainSet()
        for index in range(200_000):
            points[index] = {"x": index}
            chains[(index, 0)] = {"success": index % 7 != 0}
            points[index] = ENDED_POINT
            seen.add((0, index, 0))
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(chains) == len(points) == 200_000 and (0, 199_999, 0) in seen
    assert chains[(7, 0)] == {"success": False} and points[199_999] is ENDED_POINT
    assert held < 1024 * 1024  # dicts and a set of them: ~60 MB


@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 40), st.integers(0, 3))))
def test_chain_set_answers_as_a_set(chains):
    compact, truth = ChainSet(), set()
    for chain in chains:
        assert (chain in compact) == (chain in truth)
        compact.add(chain)
        truth.add(chain)
    probes = [(lv, i, p) for lv in range(4) for i in range(-1, 42) for p in range(5)]
    probes += ["x", (0, 1)]
    assert [c in compact for c in probes] == [c in truth for c in probes]


def _journal(path) -> None:
    """Runs that succeed, fail, lack a `success`, are reopened, and one still open."""
    with Journal(path) as journal:
        journal.append("campaign_started", config="x: 1", seeds={})
        journal.append("level_started", level=0, batch_size=50)
        for index in range(50):
            run = {"run_id": f"r{index}", "level": 0, "stage": 0, "index": index, "parent": 0}
            journal.append("asked", level=0, index=index, point={"x": index})
            journal.append("submitted", **run, params={"x": index})
            if index == 49:
                continue
            row = {"x": index, "success": index % 5 != 0, "status": "S"}
            if index == 7:
                del row["success"]
            journal.append("finished", **run, final=True, row=row)
        journal.append(
            "reopened", run_id="r10", level=0, stage=0, index=10, parent=0, attempt=2, params={}
        )


@pytest.mark.parametrize("from_checkpoint", [False, True])
def test_a_replay_without_rows_keeps_what_the_rows_say(tmp_path, monkeypatch, from_checkpoint):
    path = tmp_path / "journal.jsonl"
    _journal(path)
    monkeypatch.setattr(journal_checkpoint, "SAVE_AFTER_BYTES", 0 if from_checkpoint else 1 << 40)
    replay(path, keep_rows=False)
    assert checkpoint_path(path).exists() == from_checkpoint
    slim = replay(path, keep_rows=False).levels[0]
    checkpoint_path(path).unlink(missing_ok=True)
    full = replay(path, keep_rows=True).levels[0]
    assert isinstance(slim.ended, EndedChains) and isinstance(slim.points, AskedPoints)
    assert list(slim.ended) == sorted(full.ended) and (10, 0) not in slim.ended
    assert [row["success"] for row in slim.ended.values()] == [
        full.ended[key].get("success") for key in sorted(full.ended)
    ]
    assert slim.asked() == full.asked() == 50
    assert list(slim.open) == list(full.open) == [(49, 0), (10, 0)]
    assert slim.points[49] == {"x": 49} and slim.points[10] is ENDED_POINT
