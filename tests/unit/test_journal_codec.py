"""The journal's fast decoder gives the standard library's record for every line the
journal writes, including the non-finite numbers orjson itself rejects."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from enchanted_surrogates.journal import Journal, read_journal
from enchanted_surrogates.journal_codec import loads

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


def test_journal_round_trip_keeps_non_finite_outputs(tmp_path) -> None:
    journal = Journal(tmp_path / "journal.jsonl")
    for record in RECORDS:
        journal.append(**record)
    journal.close()
    read = list(read_journal(tmp_path / "journal.jsonl"))
    assert [r["event"] for r in read] == ["finished", "finished", "asked"]
    assert math.isnan(read[1]["output"]) and read[1]["low"] == -math.inf
    assert read[2]["index"] == 2**70


def test_corrupt_line_is_still_reported_with_its_number(tmp_path) -> None:
    path = tmp_path / "journal.jsonl"
    path.write_text('{"event":"asked"}\n{"event": nope}\n')
    with pytest.raises(ValueError, match=r"journal.jsonl:2: corrupt journal line"):
        list(read_journal(path))


def test_without_orjson_the_standard_library_decodes() -> None:
    probe = (
        "import sys; sys.modules['orjson'] = None\n"
        "import json\n"
        "from enchanted_surrogates import journal_codec\n"
        "assert journal_codec.orjson is None and journal_codec.loads is json.loads\n"
        "print(journal_codec.loads('{\"x\": NaN}'))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "{'x': nan}"
