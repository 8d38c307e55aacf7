"""Encoding and decoding journal lines: orjson when it is installed (the `fast` extra),
else the standard library.

Replaying a 100,000-run journal is 400,000 lines; `json.loads` spends most of a resume or
`enchanted status` on them, orjson about a quarter of that. Two of orjson's choices differ
from the standard library's, so those lines are decoded again by the standard library: it
rejects the NaN and Infinity that `json.dumps` writes for a run's non-finite outputs, and
it reads an integer beyond 64 bits as a float (so a record holding a float that large is
re-read; a regex for long digit runs cost more than the standard library itself). Both
paths give the same record for every line.

Encoding is on the path of every run (three lines each), where the standard library cost
~9 µs a line and orjson ~1 µs. orjson writes NaN and Infinity as `null` and refuses, or
formats its own way, what `json.dumps(default=str)` would turn into text, so a line
holding `null` (a None, or a non-finite float) or any value orjson does not handle
natively is encoded again by the standard library. An Enum is the one value the two
write differently: orjson writes its value, the standard library `str()` of it.
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


def _dumps_slow(record: Any) -> bytes:
    return json.dumps(record, separators=(",", ":"), default=str).encode()


def _not_native(value: Any) -> Any:
    raise TypeError  # leave it to the standard library, which writes str(value)


if orjson is not None:
    _NATIVE_ONLY = (
        orjson.OPT_PASSTHROUGH_DATACLASS
        | orjson.OPT_PASSTHROUGH_DATETIME
        | orjson.OPT_PASSTHROUGH_SUBCLASS
    )


def _dumps_fast(record: Any) -> bytes:
    try:
        line = orjson.dumps(record, default=_not_native, option=_NATIVE_ONLY)
    except TypeError:  # orjson.JSONEncodeError: wide ints, lone surrogates, other types
        return _dumps_slow(record)
    return _dumps_slow(record) if b"null" in line else line


# One journal line, without its newline, as compact UTF-8.
dumps = _dumps_slow if orjson is None else _dumps_fast
