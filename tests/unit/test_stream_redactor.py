"""Redacting a program's output as it streams: a secret split across reads is still caught."""

from __future__ import annotations

import itertools

from enchanted_surrogates.runs.secret_streams import StreamRedactor

SECRETS = ["s3cr3t-T0KEN", "ab", "hunter2"]
TEXT = b"x s3cr3t-T0KEN y ab s3cr3t-s3cr3t-T0KEN hunter hunter2 a\n" * 3


def _streamed(cuts: tuple[int, ...]) -> bytes:
    redactor = StreamRedactor(SECRETS)
    bounds = [0, *cuts, len(TEXT)]
    out = b"".join(redactor.feed(TEXT[a:b]) for a, b in itertools.pairwise(bounds))
    return out + redactor.flush()


def test_every_split_into_two_or_three_reads_gives_the_whole_text_redacted():
    whole = _streamed(())
    assert b"s3cr3t-T0KEN" not in whole and b"hunter2" not in whole and b"ab" not in whole
    assert whole.count(b"***") == 12
    for first in range(1, len(TEXT)):
        assert _streamed((first,)) == whole
    for first, second in itertools.combinations(range(1, 60, 3), 2):
        assert _streamed((first, second)) == whole


def test_only_an_end_that_could_begin_a_secret_is_held_back():
    redactor = StreamRedactor(SECRETS)
    assert redactor.feed(b"progress 10%\n") == b"progress 10%\n"
    assert redactor.feed(b"token s3cr3t-T0") == b"token "
    assert redactor.feed(b"K") == b""
    assert redactor.feed(b"X") == b"s3cr3t-T0KX"
    assert redactor.flush() == b""


def test_bytes_that_are_not_utf8_pass_through():
    redactor = StreamRedactor(["hunter2"])
    assert redactor.feed(b"\xff\xfehunter2\x00") + redactor.flush() == b"\xff\xfe***\x00"
