"""The journal's fast encoder and decoder give the standard library's record for every
line the journal writes, including the non-finite numbers orjson itself rejects."""

from __future__ import annotations

import dataclasses
import datetime
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from enchanted_surrogates.journal import Journal, codec, read_journal
from enchanted_surrogates.journal.codec import dumps, loads

RECORDS = [
    {"event": "finished", "output": 1.5, "name": "ünïcode ✓", "ok": True, "none": None},
    {"event": "finished", "output": float("nan"), "low": float("-inf"), "high": float("inf")},
    {"event": "asked", "index": 2**70, "nested": {"a": [1, 2.25, "x"]}},
]


def _same(a: object, b: object) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


@pytest.mark.parametrize("record", RECORDS)
def test_fast_decoder_matches_the_standard_library(record: dict) -> None:
    line = json.dumps(record, separators=(",", ":"))
    assert _same(loads(line), json.loads(line))


class _Text(str):
    pass


@dataclasses.dataclass
class _Point:
    x: float


ODD_VALUES = [
    np.float64(0.25),
    np.int64(3),
    np.float32(0.5),
    datetime.datetime(2026, 12, 2, 9, 30),
    _Point(1.0),
    Path("/scratch/run"),
    {1: "integer key"},
    "lone \ud800 surrogate",
    _Text("a str subclass"),
    1e-05,
    1e16,
    (1, 2),
]


@pytest.mark.parametrize("record", [*RECORDS, *({"event": "v", "v": v} for v in ODD_VALUES)])
def test_fast_encoder_writes_what_the_standard_library_reads_back(record: dict) -> None:
    expected = json.loads(json.dumps(record, default=str))
    assert _same(json.loads(dumps(record)), expected)
    assert _same(loads(dumps(record).decode()), expected)


@pytest.mark.skipif(codec.orjson is None, reason="orjson (the fast extra) is not installed")
def test_a_plain_line_takes_the_fast_path() -> None:
    assert dumps({"event": "finished", "x": 1e-05}) == b'{"event":"finished","x":0.00001}'


def test_journal_round_trip_keeps_non_finite_outputs(tmp_path) -> None:
    journal = Journal(tmp_path / "journal.jsonl")
    for record in RECORDS:
        journal.append(**record)
    journal.close()
    lines = (tmp_path / "journal.jsonl").read_text().splitlines()
    read = [loads(line) for line in lines]
    assert [r["event"] for r in read] == ["finished", "finished", "asked"]
    assert math.isnan(read[1]["output"]) and read[1]["low"] == -math.inf
    assert read[2]["index"] == 2**70


def test_a_corrupt_line_is_set_aside_with_its_number(tmp_path) -> None:
    path = tmp_path / "journal.jsonl"
    good = '{"event":"asked","level":0,"index":0,"point":{"x":1}}'
    path.write_text(good + '\n{"event": nope}\n' + good + "\n")
    assert [r["event"] for r in read_journal(path)] == ["asked", "asked"]
    quarantine = (tmp_path / "journal.jsonl.quarantine").read_text()
    assert quarantine.startswith("2\t") and "not JSON" in quarantine


def test_without_orjson_the_standard_library_decodes() -> None:
    probe = (
        "import sys; sys.modules['orjson'] = None\n"
        "import json\n"
        "from enchanted_surrogates.journal import codec as journal_codec\n"
        "assert journal_codec.orjson is None and journal_codec.loads is json.loads\n"
        "assert journal_codec.dumps({'x': float('nan')}) == b'{\"x\":NaN}'\n"
        "print(journal_codec.loads('{\"x\": NaN}'))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "{'x': nan}"
