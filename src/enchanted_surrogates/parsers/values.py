"""Turning text a code printed into numbers, and keeping only values a dataset column can hold."""

from __future__ import annotations

import numbers
import re
from collections.abc import Mapping
from typing import Any

from enchanted_surrogates.runs.errors import RunError

# Decimal numbers, with a Fortran `d` exponent too (1.5d-3), and nan/inf.
_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eEdD][+-]?\d+)?|[+-]?(nan|inf|infinity)", re.I)


def to_number(text: str | None) -> int | float | str | None:
    """`text` as an int or a float when it spells one, else stripped; no or empty text is None.

    Stricter than int()/float(), which also accept `1_000`: only what a code would print.
    """
    text = (text or "").strip()
    if not text:
        return None
    if _INT.fullmatch(text):
        return int(text)
    if _FLOAT.fullmatch(text):
        return float(text.replace("d", "e").replace("D", "e"))
    return text


def is_scalar(value: Any) -> bool:
    """True for what fits one cell of the dataset: None, a str or a real number (numpy too)."""
    return value is None or isinstance(value, (str, numbers.Real))


def scalar_items(mapping: Mapping) -> dict[str, Any]:
    """The scalar entries of `mapping` with str keys; nested values are left out."""
    return {str(key): value for key, value in mapping.items() if is_scalar(value)}


def select(mapping: Mapping, keys: list[str] | None, where: str) -> dict[str, Any]:
    """The scalar entries of `mapping`, or exactly `keys`: each must be there and scalar.

    `where` names the output in the error, e.g. "output file 'out.json'".
    """
    if keys is None:
        return scalar_items(mapping)
    missing = [key for key in keys if key not in mapping]
    if missing:
        raise RunError(f"{where} has no {', '.join(map(repr, missing))}")
    for key in keys:
        if not is_scalar(mapping[key]):
            raise RunError(f"{where}: {key!r} is a {type(mapping[key]).__name__}, not a scalar")
    return {key: mapping[key] for key in keys}
