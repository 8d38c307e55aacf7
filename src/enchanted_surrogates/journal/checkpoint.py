"""A checkpoint of what readers derived from a journal's prefix, so a large journal is
decoded from where the last reader stopped instead of from its first line.

`journal.checkpoint` (compact JSON, no pickle) holds one section per reader (the replay a
resume starts from, the counts `enchanted status` shows): the reader's state, and the byte
offset, line count and SHA-256 of the journal prefix it was derived from. The journal stays
the truth: a section is used only if the journal still begins with exactly those bytes and
the package version is the same; otherwise (journal truncated or rewritten, another
version, an unreadable checkpoint) the reader starts from the first line. A prefix with
unusable lines is never checkpointed, so they are set aside, with their warning, on every
read. Checkpointing is a cache: a checkpoint that cannot be written is simply skipped.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from enchanted_surrogates import __version__
from enchanted_surrogates.journal import JournalPosition, read_journal
from enchanted_surrogates.journal.codec import orjson

log = logging.getLogger(__name__)

CHECKPOINT_SUFFIX = ".checkpoint"
FORMAT = 1
# Below this many newly read bytes a checkpoint saves little: ~25 MB is ~35,000 runs,
# well under a second to decode; small campaigns never pay for writing one.
SAVE_AFTER_BYTES = 24 * 1024 * 1024


class Reducer(Protocol):
    """Folds journal events, in order, into a state that can be saved as JSON."""

    def apply(self, event: dict[str, Any]) -> None: ...
    def dump(self) -> dict[str, Any]: ...


# builds a reducer from a saved state, or a fresh one from None
Maker = Callable[[dict[str, Any] | None], Reducer]


def checkpoint_path(journal: Path) -> Path:
    return journal.with_name(journal.name.removesuffix(".jsonl") + CHECKPOINT_SUFFIX)


def catch_up(
    journal: str | Path,
    makers: dict[str, Maker],
    save_after: int | None = None,
    extra: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Reducer]:
    """Each reducer fed every event of the journal: from its checkpointed state where the
    checkpoint matches the journal, then the lines after it. When that read was long and
    clean, the checkpoint is brought up to it (with the `extra` sections, which hold for
    the whole journal)."""
    journal = Path(journal)
    save_after = SAVE_AFTER_BYTES if save_after is None else save_after
    saved = _valid_sections(journal, set(makers))
    reducers: dict[str, Reducer] = {}
    starts: dict[str, JournalPosition] = {}
    for key, make in makers.items():
        state, at = saved.get(key, (None, JournalPosition()))
        try:
            reducers[key] = make(state)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            log.debug("%s: checkpoint section %s unusable (%s)", journal, key, exc)
            reducers[key], at = make(None), JournalPosition()
        starts[key] = at
    earliest = min(starts.values(), key=lambda at: at.offset, default=JournalPosition())
    position = JournalPosition(earliest.offset, earliest.lines)
    first = position.offset
    behind = [(starts[key].offset, reducer) for key, reducer in reducers.items()]
    for event in read_journal(journal, at=position):
        for start, reducer in behind:
            if position.offset > start:  # this line lies beyond the reducer's checkpoint
                reducer.apply(event)
    if position.bad == 0 and position.offset - first >= save_after:
        states = {key: reducer.dump() for key, reducer in reducers.items()}
        save(journal, {**states, **(extra or {})}, position.offset)
    return reducers


def behind(journal: Path, keys: set[str]) -> int:
    """How many journal bytes lie beyond the least advanced of these sections (not
    verified: enough to decide whether catching up is worth a read)."""
    covers, _ = _read(checkpoint_path(journal))
    offsets = [(covers.get(key) or {}).get("offset", 0) for key in keys] or [0]
    try:
        size = journal.stat().st_size
    except OSError:
        return 0
    lowest = min(offset if isinstance(offset, int) else 0 for offset in offsets)
    return max(size - lowest, 0)


def section(journal: Path, key: str) -> tuple[dict[str, Any], JournalPosition] | None:
    """One section's state and the journal position it covers, if it still matches."""
    return _valid_sections(journal, {key}).get(key)


def save(journal: Path, states: dict[str, dict[str, Any]], offset: int) -> None:
    """Write these sections for the journal's first `offset` bytes, keeping the other
    readers' sections; atomically, so a reader never sees half a checkpoint.

    The file is a header line (format, version, what each section covers), then one line
    per section, `key<TAB>state`, so a reader parses only the sections it wants."""
    path = checkpoint_path(journal)
    prefix = _prefix_digest(journal, offset)
    if prefix is None:
        return
    digest, lines = prefix
    covers, raw = _read(path)
    for key, state in states.items():
        if orjson is not None:
            try:
                orjson.dumps(state)  # read back with orjson, it must hold every integer
            except TypeError:
                log.debug("%s: integers beyond 64 bits in %s; not checkpointed", path, key)
                continue
        covers[key] = {"offset": offset, "lines": lines, "sha256": digest}
        # the standard library writes NaN and Infinity, which orjson would turn into null
        raw[key] = json.dumps(state, separators=(",", ":")).encode()
    header = {"format": FORMAT, "version": __version__, "sections": covers}
    body = [json.dumps(header).encode()] + [key.encode() + b"\t" + raw[key] for key in raw]
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(b"\n".join(body) + b"\n")
        os.replace(temporary, path)
    except OSError as exc:
        log.debug("%s: checkpoint not written (%s)", path, exc.strerror)
        temporary.unlink(missing_ok=True)
        return
    log.debug("%s: checkpoint of %d lines (%d bytes)", path, lines, offset)


def _valid_sections(
    journal: Path, keys: set[str]
) -> dict[str, tuple[dict[str, Any], JournalPosition]]:
    """The wanted sections whose journal prefix is still the journal's beginning."""
    path = checkpoint_path(journal)
    covers, raw = _read(path)
    digests: dict[int, tuple[str, int] | None] = {}
    valid = {}
    for key in keys:
        cover = covers.get(key)
        try:
            offset, lines, digest = cover["offset"], cover["lines"], cover["sha256"]
        except (TypeError, KeyError):
            continue
        if not (isinstance(offset, int) and isinstance(lines, int) and key in raw):
            continue
        if offset not in digests:
            digests[offset] = _prefix_digest(journal, offset)
        if digests[offset] != (digest, lines):
            log.debug("%s: the journal changed under section %s; ignoring it", path, key)
            continue
        try:
            state = _decode(raw[key])
        except ValueError:
            continue
        if isinstance(state, dict):
            valid[key] = (state, JournalPosition(offset, lines))
    return valid


def _read(path: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    """What each section covers (from the header) and each section's undecoded state;
    nothing for a missing or unreadable file or one of another format or version."""
    try:
        header_line, *section_lines = path.read_bytes().splitlines()
        header = _decode(header_line)
    except (OSError, ValueError) as exc:
        if path.exists():
            log.debug("%s: unreadable checkpoint (%s); ignoring it", path, exc)
        return {}, {}
    if not isinstance(header, dict):
        return {}, {}
    if header.get("format") != FORMAT or header.get("version") != __version__:
        log.debug("%s: from another version; ignoring it", path)
        return {}, {}
    covers = header.get("sections")
    if not isinstance(covers, dict) or not all(isinstance(c, dict) for c in covers.values()):
        return {}, {}
    raw = dict(line.split(b"\t", 1) for line in section_lines if b"\t" in line)
    return covers, {key.decode(errors="replace"): value for key, value in raw.items()}


def _decode(text: bytes) -> Any:
    if orjson is None:
        return json.loads(text)
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:  # NaN or Infinity in a row
        return json.loads(text)


_last_digest: dict[tuple[str, int, int, int], tuple[str, int]] = {}


def _prefix_digest(journal: Path, offset: int) -> tuple[str, int] | None:
    """SHA-256 and line count of the journal's first `offset` bytes; None if it is shorter.
    The last one is remembered while the journal's size and mtime stay the same."""
    try:
        info = journal.stat()
    except OSError:
        return None
    memo = (str(journal), offset, info.st_size, info.st_mtime_ns)
    if memo in _last_digest:
        return _last_digest[memo]
    digest = hashlib.sha256()
    lines, left = 0, offset
    try:
        with open(journal, "rb") as handle:
            while left:
                block = handle.read(min(left, 1 << 20))
                if not block:
                    return None
                digest.update(block)
                lines += block.count(b"\n")
                left -= len(block)
    except OSError:
        return None
    _last_digest.clear()
    _last_digest[memo] = (digest.hexdigest(), lines)
    return _last_digest[memo]
