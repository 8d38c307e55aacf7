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
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from enchanted_surrogates.journal import read_journal

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
    points: dict[int, dict[str, Any]] = field(default_factory=dict)
    batch_size: int | None = None
    parent_dirs: list[str] = field(default_factory=list)
    ended: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
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

    def level(self, index: int) -> LevelHistory:
        return self.levels.setdefault(index, LevelHistory())

    def final_rows(self) -> Iterator[dict[str, Any]]:
        """Every chain's dataset row, level by level, in the order the chains ended."""
        for index in sorted(self.levels):
            yield from self.levels[index].ended.values()


def replay(path: str | Path, keep_rows: bool = True) -> CampaignHistory:
    """Read the journal once and return what was asked, what ended and what is open.

    Without `keep_rows`, an ended chain keeps only its `success` (enough to count it and
    never run it again), so resuming a long single-level campaign stays small; parents of
    a nested level and learning samplers need the full rows.
    """
    history = CampaignHistory()
    for event in read_journal(path):
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
                row = event["row"] if keep_rows else {"success": event["row"].get("success")}
                level.ended.setdefault(key, row)
            else:
                level.open[key] = OpenChain(key[0], key[1], event["stage"] + 1, event["row"])
        elif kind == "reopened":
            history.level(event["level"]).reopen(event)
        elif kind == "level_finished":
            history.level(event["level"]).finished = True
    return history


def iter_final_rows(path: str | Path) -> Iterator[dict[str, Any]]:
    """The dataset rows in the journal, streamed: memory holds only which chains ended.

    A chain reopened by `--retry-failed` gives the row of its attempt after the last
    reopening (none while that attempt is unfinished), in the order the chains ended."""
    reopens = Counter(
        _chain_key(event)
        for event in read_journal(path, containing=REOPENED)
        if event["event"] == "reopened"
    )
    seen: set[tuple[int, int, int]] = set()
    for event in read_journal(path, containing=(FINAL, REOPENED) if reopens else FINAL):
        if event["event"] == "reopened":
            reopens[_chain_key(event)] -= 1
        elif event["event"] in ("finished", "failed") and event.get("final"):
            key = _chain_key(event)
            if key not in seen and reopens.get(key, 0) <= 0:
                seen.add(key)
                yield event["row"]


def _chain_key(event: dict[str, Any]) -> tuple[int, int, int]:
    return event["level"], event["index"], event["parent"]
