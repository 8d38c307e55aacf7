"""Config problems: one line each, naming the file, the line, the key path and the fix."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

Path = tuple  # a key path: str keys and int list indices


def dotted(path: Path) -> str:
    """`('samplers', 's1', 'bounds', 0)` -> `samplers.s1.bounds[0]`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(top level)"


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """` did you mean 'budget'?` for a close match, else an empty string."""
    pool = {c.lower(): c for c in candidates}
    match = difflib.get_close_matches(str(word).lower(), list(pool), n=1, cutoff=0.6)
    return f"; did you mean '{pool[match[0]]}'?" if match else ""


@dataclass(frozen=True)
class Problem:
    path: Path
    message: str
    line: int | None = None


class ConfigError(Exception):
    """Every problem found in a config, reported together so one edit fixes them all."""

    def __init__(self, problems: list[Problem], source: str = "config") -> None:
        self.problems = merge_misspelt_keys(problems)
        self.source = source
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        out = []
        for problem in self.problems:
            where = f"{self.source}:{problem.line}" if problem.line else self.source
            out.append(f"{where}: {dotted(problem.path)}: {problem.message}")
        return out


MISSING = "required key is missing"
_SUGGESTION = re.compile(r"^unknown key; did you mean '([^']+)'\?$")


def merge_misspelt_keys(problems: list[Problem]) -> list[Problem]:
    """A misspelt required key is one mistake: with `budjet` unknown (did you mean
    'budget'?) under the same parent, `budget: required key is missing` says it again."""
    suggested = set()
    for problem in problems:
        match = _SUGGESTION.match(problem.message)
        if match:
            suggested.add((*problem.path[:-1], match.group(1)))
    return [p for p in problems if not (p.message == MISSING and p.path in suggested)]
