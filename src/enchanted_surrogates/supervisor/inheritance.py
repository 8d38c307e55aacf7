"""What a run inherits from the run before it: its parent row, or the previous stage.

A child of a nested level gets its parent row's parameters and outputs under their own
names (the physics it builds on), but the parent's per-run measurements (`success_<r>`,
`runtime_sec_<r>`, `cpu_sec_<r>`, `max_rss_mb_<r>`, `attempts_<r>`) and run directories
come prefixed `parent_`, one prefix per level up. So `runtime_sec_*` in any row is only
that row's own compute, and summing it over a dataset counts each run once; the parent's
values stay next to it, and `parent_run_dir` joins a child row to its parent's `run_dir`.
`supervisor.nested_parent_columns: original` keeps the original's names instead.

Stages of one chain are one sample, not parent and child: a later stage keeps the earlier
stages' columns as they are and gets the stage before's directory as `previous_run_dir`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

PREFIX = "parent_"
MEASURED = ("success", "runtime_sec", "cpu_sec", "max_rss_mb", "attempts")
RUN_DIRS = ("run_dir", "previous_run_dir")


class Inheritance:
    """Builds the params of a child run from its parent row and its sampled point."""

    def __init__(self, runners: Iterable[str], prefixed: bool = True) -> None:
        self.prefixed = prefixed
        names = set(runners)
        self._per_run = set(RUN_DIRS) | {f"{m}_{name}" for m in MEASURED for name in names}

    def _is_per_run(self, column: str) -> bool:
        while column.startswith(PREFIX):
            column = column[len(PREFIX) :]
            if column in self._per_run:
                return True
        return column in self._per_run

    def child_params(self, parent: dict[str, Any], point: dict[str, Any]) -> dict[str, Any]:
        """`{**parent, **point}`, with the parent's per-run columns renamed. `run_dir` stays
        too: runners written for the original read their parent's files there."""
        if not parent:
            return dict(point)
        if self.prefixed:
            inherited = {
                (PREFIX + key if self._is_per_run(key) and key != "run_dir" else key): value
                for key, value in parent.items()
            }
        else:
            inherited = dict(parent)
        if "run_dir" in parent:
            inherited[PREFIX + "run_dir"] = parent["run_dir"]
        return {**inherited, **point}


def next_stage_params(row: dict[str, Any]) -> dict[str, Any]:
    """A finished stage's row as the next stage's params, with its directory reachable."""
    return {**row, "previous_run_dir": row["run_dir"]}
