"""Decoding journal lines: orjson when it is installed (the `fast` extra), else the
standard library.

Replaying a 100,000-run journal is 400,000 lines; `json.loads` spends most of a resume or
`enchanted status` on them, orjson about a quarter of that. Two of orjson's choices differ
from the standard library's, so those lines are decoded again by the standard library: it
rejects the NaN and Infinity that `json.dumps` writes for a run's non-finite outputs, and
it reads an integer beyond 64 bits as a float (so a record holding a float that large is
re-read; a regex for long digit runs cost more than the standard library itself). Both
paths give the same record for every line.
"""

from __future__ import annotations

import json
from typing import Any

try:
    import orjson
except ImportError:  # the standard library alone is correct, just slower
    orjson = None

# Outside this range a float may be an integer orjson could not hold in 64 bits.
_INT_LOW, _INT_HIGH = -(2.0**63), 2.0**64


def _maybe_wide_int(values: Any) -> bool:
    if type(values) is dict:
        values = values.values()
    for value in values:
        kind = type(value)
        if kind is float:
            if not _INT_LOW <= value < _INT_HIGH:
                return True
        elif (kind is dict or kind is list) and _maybe_wide_int(value):
            return True
    return False


def _loads_fast(line: str) -> Any:
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError:
        return json.loads(line)
    if type(record) in (dict, list) and _maybe_wide_int(record):
        return json.loads(line)
    return record


loads = json.loads if orjson is None else _loads_fast
