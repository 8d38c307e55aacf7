"""Replay a journal into the state a campaign resumes from.

Per level: the points asked (by index), the chains that ended (their dataset rows), and
the chains still open, each with the stage to run next and its params: a stage that was
submitted but never finished is run again with the same params in the same run
directory; a stage whose predecessor finished but that was never submitted is submitted.
A `reopened` event (`--retry-failed`) turns an ended chain back into an open one: the
attempt after it is the chain's truth, and the earlier one stays in the journal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from enchanted_surrogates.journal import JournalPosition, read_journal
from enchanted_surrogates.journal.checkpoint import catch_up
from enchanted_surrogates.journal.compact_history import (
    ENDED_POINT,
    AskedPoints,
    ChainSet,
    EndedChains,
)

FINAL = '"final":true'  # the fast filters for the lines a streamed read needs
REOPENED = '"event":"reopened"'


@dataclass
class OpenChain:
    index: int
    parent: int
    stage: int
    params: dict[str, Any]
    attempt: int = 1


@dataclass
class LevelHistory:
    # dicts, or without rows the compact mappings of compact_history
    points: MutableMapping[int, dict[str, Any]] = field(default_factory=dict)
    batch_size: int | None = None
    parent_dirs: list[str] = field(default_factory=list)
    ended: MutableMapping[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    open: dict[tuple[int, int], OpenChain] = field(default_factory=dict)
    finished: bool = False

    def asked(self) -> int:
        return len(self.points)

    def reopen(self, event: dict[str, Any]) -> None:
        """An ended chain runs its ending stage again (a `reopened` event)."""
        key = (event["index"], event["parent"])
        self.ended.pop(key, None)
        self.open[key] = OpenChain(*key, event["stage"], event["params"], event["attempt"])


@dataclass
class CampaignHistory:
    config_text: str = ""
    seeds: dict[str, Any] = field(default_factory=dict)
    budgets: dict[int, int] = field(default_factory=dict)  # the latest target per level
    levels: dict[int, LevelHistory] = field(default_factory=dict)
    runs_finished: int = 0
    compact: bool = False  # levels without rows: ended chains and points in compact mappings

    def level(self, index: int) -> LevelHistory:
        if index not in self.levels:
            self.levels[index] = (
                LevelHistory(AskedPoints(), ended=EndedChains()) if self.compact else LevelHistory()
            )
        return self.levels[index]

    def final_rows(self) -> Iterator[dict[str, Any]]:
        """Every chain's dataset row, level by level, in the order the chains ended."""
        for index in sorted(self.levels):
            yield from self.levels[index].ended.values()


REPLAY_KEY = "replay"
REPLAY_ROWS_KEY = "replay_rows"  # the same with every ended chain's full row


def replay(path: str | Path, keep_rows: bool = True) -> CampaignHistory:
    """Read the journal once and return what was asked, what ended and what is open.

    Without `keep_rows`, an ended chain keeps only its `success` (enough to count it and
    never run it again), so resuming a long single-level campaign stays small; parents of
    a nested level and learning samplers need the full rows. Starts from the journal's
    checkpoint where it still matches (journal_checkpoint).
    """
    key = REPLAY_ROWS_KEY if keep_rows else REPLAY_KEY
    reducers = catch_up(path, {key: replayer(keep_rows)})
    return reducers[key].history  # type: ignore[attr-defined]


def replayer(keep_rows: bool) -> Callable[[dict[str, Any] | None], Replayer]:
    """The checkpoint maker of a Replayer: from a saved state, or fresh."""
    return lambda state: Replayer(keep_rows, state)


# Without rows, an ended chain holds one of these, and its point (a single level: one chain
# per point) ENDED_POINT, in the compact mappings of compact_history: only the count of
# points asked and the points not ended are used then, and a million-run resume stays small.
_SLIM_ROWS: dict[Any, dict[str, Any]] = {value: {"success": value} for value in (True, False)}


class Replayer:
    """Folds journal events into a CampaignHistory (see `replay`)."""

    def __init__(self, keep_rows: bool, state: dict[str, Any] | None = None) -> None:
        self.keep_rows = keep_rows
        self.history = (
            CampaignHistory(compact=not keep_rows)
            if state is None
            else _load_history(state, keep_rows)
        )

    def apply(self, event: dict[str, Any]) -> None:
        history = self.history
        kind = event["event"]
        if kind in ("campaign_started", "campaign_resumed"):
            history.config_text = event.get("config") or history.config_text  # the latest
            if kind == "campaign_started":
                history.seeds = event.get("seeds") or {}
            budgets = event.get("budgets") or {}
            history.budgets.update({int(level): int(n) for level, n in budgets.items()})
        elif kind == "level_started":
            level = history.level(event["level"])
            if level.batch_size is None:
                level.batch_size = event.get("batch_size")
            level.parent_dirs = event.get("parent_dirs", level.parent_dirs)
        elif kind == "asked":
            history.level(event["level"]).points[event["index"]] = event["point"]
        elif kind == "submitted":
            key = (event["index"], event["parent"])
            level = history.level(event["level"])
            if key not in level.ended:
                level.open[key] = OpenChain(
                    key[0], key[1], event["stage"], event["params"], event.get("attempt", 1)
                )
        elif kind == "retry":
            chain = history.level(event["level"]).open.get((event["index"], event["parent"]))
            if chain is not None:
                chain.attempt = event["attempt"] + 1
        elif kind in ("finished", "failed"):
            history.runs_finished += 1
            level = history.level(event["level"])
            key = (event["index"], event["parent"])
            if event.get("final"):
                level.open.pop(key, None)
                level.ended.setdefault(key, self._ended_row(event["row"]))
                if not self.keep_rows and key[0] in level.points:
                    level.points[key[0]] = ENDED_POINT
            else:
                level.open[key] = OpenChain(key[0], key[1], event["stage"] + 1, event["row"])
        elif kind == "reopened":
            history.level(event["level"]).reopen(event)
        elif kind == "level_finished":
            history.level(event["level"]).finished = True

    def _ended_row(self, row: dict[str, Any]) -> dict[str, Any]:
        if self.keep_rows:
            return row
        success = row.get("success")
        return _SLIM_ROWS[success] if success is True or success is False else {"success": success}

    def dump(self) -> dict[str, Any]:
        """The history as plain JSON (dict keys become lists, in their order); without
        rows, ended chains and points as columns of numbers."""
        history = self.history
        return {
            "config_text": history.config_text,
            "seeds": history.seeds,
            "budgets": [[level, n] for level, n in history.budgets.items()],
            "runs_finished": history.runs_finished,
            "levels": [
                {
                    "index": index,
                    **self._dump_chains(level),
                    "batch_size": level.batch_size,
                    "parent_dirs": level.parent_dirs,
                    "open": [
                        [c.index, c.parent, c.stage, c.params, c.attempt]
                        for c in level.open.values()
                    ],
                    "finished": level.finished,
                }
                for index, level in history.levels.items()
            ],
        }

    def _dump_chains(self, level: LevelHistory) -> dict[str, Any]:
        if self.keep_rows:
            return {
                "points": [[i, point] for i, point in level.points.items()],
                "ended": [[i, parent, row] for (i, parent), row in level.ended.items()],
            }
        points, ended = level.points, level.ended
        if not (isinstance(points, AskedPoints) and isinstance(ended, EndedChains)):
            raise TypeError("a history without rows holds compact mappings")
        return {"points": points.dump(), "ended": ended.dump()}


def _load_history(state: dict[str, Any], keep_rows: bool) -> CampaignHistory:
    history = CampaignHistory(
        config_text=state["config_text"],
        seeds=state["seeds"],
        budgets={int(level): int(n) for level, n in state["budgets"]},
        runs_finished=int(state["runs_finished"]),
        compact=not keep_rows,
    )
    for saved in state["levels"]:
        level = history.level(int(saved["index"]))
        if keep_rows:
            level.points = {i: point for i, point in saved["points"]}
            level.ended = {(i, parent): row for i, parent, row in saved["ended"]}
        else:  # a state of the earlier layout (columns of numbers) fails here: replayed afresh
            level.points = AskedPoints.load(saved["points"])
            level.ended = EndedChains.load(saved["ended"])
        level.batch_size = saved["batch_size"]
        level.parent_dirs = saved["parent_dirs"]
        level.open = {(c[0], c[1]): OpenChain(*c) for c in saved["open"]}
        level.finished = bool(saved["finished"])
    return history


def iter_final_rows(path: str | Path, end: int | None = None) -> Iterator[dict[str, Any]]:
    """The dataset rows in the journal (up to byte `end`), streamed: memory holds only
    which chains ended.

    A chain reopened by `--retry-failed` gives the row of its attempt after the last
    reopening (none while that attempt is unfinished), in the order the chains ended."""
    reopens = Counter(
        _chain_key(event)
        for event in read_journal(path, containing=REOPENED)
        if event["event"] == "reopened"
    )
    seen = ChainSet()
    at = JournalPosition()
    for event in read_journal(path, containing=(FINAL, REOPENED) if reopens else FINAL, at=at):
        if end is not None and at.offset > end:
            return  # appended after the caller looked
        if event["event"] == "reopened":
            reopens[_chain_key(event)] -= 1
        elif event["event"] in ("finished", "failed") and event.get("final"):
            key = _chain_key(event)
            if key not in seen and reopens.get(key, 0) <= 0:
                seen.add(key)
                yield event["row"]


def _chain_key(event: dict[str, Any]) -> tuple[int, int, int]:
    return event["level"], event["index"], event["parent"]
