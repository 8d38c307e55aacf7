"""Compact stand-ins for a replayed level's `ended` and `points` when the rows are not kept
(`replay(keep_rows=False)`: a single level whose sampler does not learn).

A dict entry per run (a tuple key, its ints, a slot) costs ~150-200 bytes, so a
1,000,000-run resume held ~200 MB for what one byte per point index says: whether the
chain ended, and with which `success`. EndedChains and AskedPoints are mappings with the
answers of the dicts they replace, iterated in key order (what every caller sorts into),
saved as a few compressed bytes in the journal checkpoint; ChainSet is the set of chains
a streamed read of the journal's rows has seen.
"""

from __future__ import annotations

import base64
import heapq
import zlib
from collections.abc import ItemsView, Iterator, Mapping, MutableMapping, Sequence, ValuesView
from itertools import compress, islice
from typing import Any

# An ended chain's point, shared and never changed: once its chain ended, only that it
# was asked is used (the count of points asked), never its values.
ENDED_POINT: dict[str, Any] = {}

# one byte per point index: 0 not ended, else how (ODD: the row is kept aside, whole)
_ROWS: dict[int, dict[str, Any]] = {
    1: {"success": False},
    2: {"success": True},
    3: {"success": None},
}
_ODD = 4


def _code(row: Mapping[str, Any]) -> int:
    """The byte for a row that holds only `success` (True, False or None), else _ODD."""
    if len(row) != 1 or "success" not in row:
        return _ODD
    success = row["success"]
    if success is False:
        return 1
    if success is True:
        return 2
    return 3 if success is None else _ODD


def _mark(codes: bytearray, index: int, code: int) -> int:
    """Set byte `index` (growing the array by at least half, so appends stay cheap);
    return the byte it held."""
    if not isinstance(index, int) or index < 0:
        raise ValueError(f"a point index is an int >= 0, not {index!r}")
    if index >= len(codes):
        codes.extend(bytes(max(index + 1 - len(codes), len(codes) // 2)))
    old = codes[index]
    codes[index] = code
    return old


def _set_indices(codes: bytearray) -> Iterator[int]:
    """The indices whose byte is not 0, in order, without a list of them."""
    return compress(range(len(codes)), codes)


def _pack(codes: bytearray) -> str:
    return base64.b64encode(zlib.compress(bytes(codes.rstrip(b"\0")))).decode()


def _unpack(text: str) -> bytearray:
    return bytearray(zlib.decompress(base64.b64decode(text.encode(), validate=True)))


class EndedChains(MutableMapping[tuple[int, int], dict[str, Any]]):
    """`{(index, parent): row}` for rows that hold only `success`, at one byte per point
    index and parent; any other row is kept whole beside them."""

    def __init__(self) -> None:
        self._codes: dict[int, bytearray] = {}  # per parent
        self._odd: dict[tuple[int, int], dict[str, Any]] = {}
        self._len = 0

    def _byte(self, key: object) -> int:
        if not (isinstance(key, tuple) and len(key) == 2):
            return 0
        index, parent = key
        codes = self._codes.get(parent)  # type: ignore[call-overload]
        if codes is None or not isinstance(index, int) or not 0 <= index < len(codes):
            return 0
        return codes[index]

    def __contains__(self, key: object) -> bool:
        return self._byte(key) != 0

    def __getitem__(self, key: tuple[int, int]) -> dict[str, Any]:
        code = self._byte(key)
        if code == 0:
            raise KeyError(key)
        return self._odd[key] if code == _ODD else _ROWS[code]

    def __setitem__(self, key: tuple[int, int], row: dict[str, Any]) -> None:
        index, parent = key
        if not isinstance(parent, int) or parent < 0:
            raise ValueError(f"a parent index is an int >= 0, not {parent!r}")
        code = _code(row)
        old = _mark(self._codes.setdefault(parent, bytearray()), index, code)
        self._len += old == 0
        if code == _ODD:
            self._odd[key] = row
        elif old == _ODD:
            del self._odd[key]

    def __delitem__(self, key: tuple[int, int]) -> None:
        code = self._byte(key)
        if code == 0:
            raise KeyError(key)
        self._codes[key[1]][key[0]] = 0
        self._odd.pop(key, None)
        self._len -= 1

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator[tuple[int, int]]:
        """In (index, parent) order."""
        per_parent = [_keys(codes, parent) for parent, codes in sorted(self._codes.items())]
        return per_parent[0] if len(per_parent) == 1 else heapq.merge(*per_parent)

    def values(self) -> ValuesView[dict[str, Any]]:
        return _EndedValues(self)

    def items(self) -> ItemsView[tuple[int, int], dict[str, Any]]:
        return _EndedItems(self)

    def _iter_values(self) -> Iterator[dict[str, Any]]:
        """In key order, read from the bytes (no key built) unless a row is kept whole."""
        if self._odd or len(self._codes) != 1:
            return (self[key] for key in self)
        (codes,) = self._codes.values()
        rows = [_ROWS.get(code) for code in range(_ODD)]
        return compress(map(rows.__getitem__, codes), codes)

    def dump(self) -> dict[str, Any]:
        """A JSON state: per parent the compressed bytes, and the rows kept whole."""
        return {
            "parents": [[parent, _pack(codes)] for parent, codes in sorted(self._codes.items())],
            "odd": [[index, parent, row] for (index, parent), row in self._odd.items()],
        }

    @classmethod
    def load(cls, state: dict[str, Any]) -> EndedChains:
        """From `dump`'s state; KeyError, TypeError or ValueError if it is not one."""
        chains = cls()
        for parent, text in state["parents"]:
            codes = _unpack(text)
            if int(parent) < 0 or codes.translate(None, bytes(range(_ODD + 1))):
                raise ValueError("not an ended-chains state")
            chains._codes[int(parent)] = codes
            chains._len += len(codes) - codes.count(0)
        for index, parent, row in state["odd"]:
            if chains._byte((index, parent)) != _ODD:
                raise ValueError("not an ended-chains state")
            chains._odd[(index, parent)] = row
        return chains


class _EndedValues(ValuesView[dict[str, Any]]):
    _mapping: EndedChains

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return self._mapping._iter_values()


class _EndedItems(ItemsView[tuple[int, int], dict[str, Any]]):
    _mapping: EndedChains

    def __iter__(self) -> Iterator[tuple[tuple[int, int], dict[str, Any]]]:
        return zip(self._mapping, self._mapping._iter_values())


def _keys(codes: bytearray, parent: int) -> Iterator[tuple[int, int]]:
    for index in _set_indices(codes):
        yield index, parent


class AskedPoints(MutableMapping[int, dict[str, Any]]):
    """`{index: point}` where the point of an ended chain is ENDED_POINT: those are one
    bit of a byte per index, the others a dict."""

    def __init__(self) -> None:
        self._live: dict[int, dict[str, Any]] = {}
        self._ended = bytearray()  # 1: asked, and its chain ended

    def __contains__(self, index: object) -> bool:
        if index in self._live:
            return True
        return isinstance(index, int) and 0 <= index < len(self._ended) and self._ended[index] == 1

    def __getitem__(self, index: int) -> dict[str, Any]:
        if index in self._live:
            return self._live[index]
        if index in self:
            return ENDED_POINT
        raise KeyError(index)

    def __setitem__(self, index: int, point: dict[str, Any]) -> None:
        if point is ENDED_POINT:
            self._live.pop(index, None)
            _mark(self._ended, index, 1)
            return
        if isinstance(index, int) and 0 <= index < len(self._ended):
            self._ended[index] = 0
        self._live[index] = point

    def __delitem__(self, index: int) -> None:
        if index in self._live:
            del self._live[index]
        elif index in self:
            self._ended[index] = 0
        else:
            raise KeyError(index)

    def __len__(self) -> int:
        return len(self._live) + len(self._ended) - self._ended.count(0)

    def __iter__(self) -> Iterator[int]:
        """In index order."""
        return heapq.merge(sorted(self._live), _set_indices(self._ended))

    def dump(self) -> dict[str, Any]:
        """A JSON state: the points not ended, and the others' indices compressed."""
        return {"points": [[i, p] for i, p in self._live.items()], "ended": _pack(self._ended)}

    @classmethod
    def load(cls, state: dict[str, Any]) -> AskedPoints:
        """From `dump`'s state; KeyError, TypeError or ValueError if it is not one."""
        points = cls()
        points._ended = _unpack(state["ended"])
        if points._ended.translate(None, b"\0\1"):
            raise ValueError("not an asked-points state")
        for index, point in state["points"]:
            points[index] = point
        return points


def unended_points(points: Mapping[int, dict[str, Any]]) -> list[int]:
    """The indices, in order, of the points that may still start a chain: all of them,
    but ENDED_POINT's (without rows, a single level: its one chain ended, or was reopened
    and is open)."""
    if isinstance(points, AskedPoints):
        return sorted(points._live)
    return sorted(index for index, point in points.items() if point is not ENDED_POINT)


class _ValuesInKeyOrder(Sequence[Any]):
    """A compact mapping's values in key order, read as they are iterated (indexing walks
    from the start: built-in samplers only take the length)."""

    def __init__(self, mapping: Mapping[Any, Any]) -> None:
        self._mapping = mapping

    def __len__(self) -> int:
        return len(self._mapping)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._mapping.values())

    def __getitem__(self, at: Any) -> Any:
        if isinstance(at, slice):
            return list(self)[at]
        position = range(len(self))[at]  # IndexError out of range, negatives counted back
        return next(islice(iter(self), position, None))


def values_in_key_order(mapping: Mapping[Any, Any]) -> Sequence[Any]:
    """The values in key order: a list, or for a compact mapping a view that holds none."""
    if isinstance(mapping, (EndedChains, AskedPoints)):
        return _ValuesInKeyOrder(mapping)
    return [mapping[key] for key in sorted(mapping)]


class ChainSet:
    """A set of chains, `(level, index, parent)`, at a byte per point index: which ended,
    for a streamed read of the journal's rows (a set of tuples: ~100 bytes each)."""

    def __init__(self) -> None:
        self._marks: dict[tuple[int, int], bytearray] = {}  # per level and parent

    def add(self, chain: tuple[int, int, int]) -> None:
        level, index, parent = chain
        _mark(self._marks.setdefault((level, parent), bytearray()), index, 1)

    def __contains__(self, chain: object) -> bool:
        if not (isinstance(chain, tuple) and len(chain) == 3):
            return False
        level, index, parent = chain
        marks = self._marks.get((level, parent))
        return (
            marks is not None
            and isinstance(index, int)
            and 0 <= index < len(marks)
            and marks[index] == 1
        )
