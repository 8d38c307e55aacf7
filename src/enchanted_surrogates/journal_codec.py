"""Decoding journal lines: orjson when it is installed (the `fast` extra), else the
standard library.

Replaying a 100,000-run journal is 400,000 lines; `json.loads` spends most of a resume or
`enchanted status` on them, orjson a fraction of that. Two of orjson's choices differ from
the standard library's, so those lines are decoded by the standard library: it rejects
the NaN and Infinity that `json.dumps` writes for a run's non-finite outputs, and it
turns an integer beyond 64 bits into a float (any run of 19 digits is sent the slow way,
as a float's repr has at most 17). Both paths give the same record for every line.
"""

from __future__ import annotations

import json
import re
from typing import Any

try:
    import orjson
except ImportError:  # the standard library alone is correct, just slower
    orjson = None

_LONG_DIGITS = re.compile(r"\d{19}")


def _loads_fast(line: str) -> Any:
    if _LONG_DIGITS.search(line):
        return json.loads(line)
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return json.loads(line)


loads = json.loads if orjson is None else _loads_fast
