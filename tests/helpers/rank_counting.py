"""A campaign of 2-rank mpirun runs whose ranks count how many ranks are alive as each
starts: what shows that an executor never runs more declared cores at once than it has."""

from __future__ import annotations

from pathlib import Path

from campaign_configs import basic_config

RANK_SCRIPT = """#!/bin/sh
touch "$1/$$"
ls "$1" | wc -l >> "$2"
sleep 1
rm "$1/$$"
"""


def rank_counting_config(tmp_path: Path, budget: int = 6) -> tuple[dict, Path]:
    """A one-level config of `budget` 2-rank runs (executor `e1` left to the test), and the
    file where every rank appends the number of ranks alive when it started."""
    alive, seen = tmp_path / "alive", tmp_path / "seen.txt"
    alive.mkdir()
    script = tmp_path / "rank.sh"
    script.write_text(RANK_SCRIPT)
    script.chmod(0o755)
    sampler = {"type": "RandomSampler", "parameters": ["x"], "bounds": [[0.0, 1.0]]}
    runner = {
        "type": "CommandRunner",
        "command": [str(script), str(alive), str(seen)],
        "launcher": {"type": "mpirun", "ranks": 2},
    }
    return basic_config(tmp_path / "c", runner, {**sampler, "budget": budget}), seen


def rank_counts(seen: Path) -> list[int]:
    """The counts the ranks wrote, one per rank that ran."""
    return [int(line) for line in seen.read_text().split()]
