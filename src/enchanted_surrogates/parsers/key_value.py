"""Outputs printed as `key=value` pairs, the convention of SMAC-style wrapped programs.

`result=1.5; status=SUCCESS; runtime=3` on one line, or one pair per line, both work.
Lines that are not pairs (progress messages) are skipped; a later pair wins over an
earlier one with the same key.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ConfigDict

from enchanted_surrogates.parsers.base import Parser
from enchanted_surrogates.parsers.files import SourceConfig, read_text
from enchanted_surrogates.parsers.values import to_number
from enchanted_surrogates.runs.errors import RunCrashed, RunError, RunMemout, RunTimeout

_PAIR = re.compile(r"([A-Za-z_][\w.\-]*)\s*=\s*(.*)")

SUCCESS_STATUSES = ("SUCCESS", "SAT", "UNSAT")
ERROR_STATUSES: dict[str, type[RunError]] = {
    "CRASHED": RunCrashed,
    "TIMEOUT": RunTimeout,
    "MEMOUT": RunMemout,
}


class KeyValueParser(Parser):
    """Every `key=value` pair becomes a column, numbers converted.

    A `status` pair is the program's own verdict and is not a column: SUCCESS, SAT or
    UNSAT is a success; CRASHED, TIMEOUT or MEMOUT raise the matching error so the run gets
    that status; anything else makes the run FAILED, keeping the other values.
    """

    class Config(SourceConfig):
        model_config = ConfigDict(title="KeyValueParser")

    def __init__(self, **kwargs: Any) -> None:
        self.source = self.Config(**kwargs).file_name()

    def read_output(self, run_dir: str) -> dict:
        pairs: dict[str, Any] = {}
        for line in read_text(run_dir, self.source).splitlines():
            for piece in line.split(";"):
                match = _PAIR.fullmatch(piece.strip())
                if match:
                    pairs[match.group(1)] = to_number(match.group(2))
        if "status" not in pairs:
            return pairs
        status = str(pairs.pop("status"))
        verdict = status.upper()
        if verdict in SUCCESS_STATUSES:
            return pairs
        message = f"the program reported status={status}"
        if verdict in ERROR_STATUSES:
            raise ERROR_STATUSES[verdict](message)
        return {**pairs, "success": False, "error": message}
