"""What an analysis needs from a base run dir: the level's design and its finished rows.

Everything comes from the journal: the recorded config rebuilds the level's sampler (with
the seed the campaign drew), and each ended chain is keyed by its design index and parent,
so a row lands at its place in the design however the campaign was interrupted.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from enchanted_surrogates.cli.plots import BOOKKEEPING_PREFIXES
from enchanted_surrogates.config.registry import resolve
from enchanted_surrogates.journal import JOURNAL_FILE
from enchanted_surrogates.journal.replay import replay
from enchanted_surrogates.storage.rebuild import recorded_config


@dataclass
class LevelData:
    """One level of a campaign: its sampler, parameters and ended rows."""

    level: int
    sampler_name: str
    sampler: Any
    parameters: list[str]
    rows: dict[tuple[int, int], dict[str, Any]]

    def parents(self) -> list[int]:
        return sorted({parent for _, parent in self.rows})

    def outputs(self) -> list[str]:
        """Numeric result columns of successful rows (not parameters or bookkeeping)."""
        names: dict[str, None] = {}
        for row in self.rows.values():
            if not row.get("success"):
                continue
            for key, value in row.items():
                if (
                    key not in self.parameters
                    and not key.startswith(BOOKKEEPING_PREFIXES)
                    and isinstance(value, int | float)
                    and not isinstance(value, bool)
                ):
                    names.setdefault(key)
        return list(names)

    def values(self, output: str, parent: int) -> tuple[dict[int, float], list[dict]]:
        """({design index: value} of usable runs, [{index, status, error}] of left-out ones)."""
        usable: dict[int, float] = {}
        left_out: list[dict] = []
        for (index, row_parent), row in sorted(self.rows.items()):
            if row_parent != parent:
                continue
            value = row.get(output)
            if row.get("success") and isinstance(value, int | float) and np.isfinite(value):
                usable[index] = float(value)
            else:
                reason = row.get("error") or f"no finite {output}"
                left_out.append(
                    {
                        "index": index,
                        "run_dir": row.get("run_dir"),
                        "status": row.get("status"),
                        "reason": str(reason)[:200],
                    }
                )
        return usable, left_out

    def frame(self, parent: int) -> pd.DataFrame:
        """The parent's rows in design order, with a `design_index` column."""
        records = [
            {"design_index": index, **row}
            for (index, row_parent), row in sorted(self.rows.items())
            if row_parent == parent
        ]
        return pd.DataFrame.from_records(records)


def load_level(base_run_dir: str | Path, level: int = 0) -> LevelData:
    """The design and ended rows of `level` of the campaign in `base_run_dir`."""
    journal = Path(base_run_dir) / JOURNAL_FILE
    if not journal.exists():
        raise FileNotFoundError(f"{base_run_dir}: no {JOURNAL_FILE} here")
    history = replay(journal)
    config = recorded_config(history.config_text)
    run_order = (config.get("supervisor") or {}).get("run_order") or []
    if not 0 <= level < len(run_order):
        raise ValueError(f"level {level}: the campaign has levels 0..{len(run_order) - 1}")
    name = run_order[level]["sampler"]
    options = dict((config.get("samplers") or {})[name])
    cls = resolve("samplers", options.pop("type"))
    if options.get("seed") is None and history.seeds.get(name) is not None:
        options["seed"] = history.seeds[name]
    ended = history.levels.get(level)
    try:
        sampler = cls(**options)
        parameters = list(sampler.parameters)
    except Exception:  # e.g. a points file moved: surrogate-based analysis still works
        sampler = None
        points = ended.points if ended else {}
        parameters = list(points[min(points)]) if points else []
    return LevelData(
        level=level,
        sampler_name=name,
        sampler=sampler,
        parameters=parameters,
        rows=dict(ended.ended) if ended else {},
    )
