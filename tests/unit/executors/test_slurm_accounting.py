"""SLURM's time and memory notations, as sacct and scontrol print them."""

from __future__ import annotations

import pytest

from enchanted_surrogates.executors.slurm_accounting import rss_mb, slurm_seconds


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("00:01:05", 65), ("1-02:00:00", 93600), ("01:02.500", 62.5), ("", None), ("INVALID", None)],
)
def test_slurm_times_become_seconds(text, seconds):
    assert slurm_seconds(text) == (pytest.approx(seconds) if seconds is not None else None)


@pytest.mark.parametrize(
    ("text", "mb"), [("2048K", 2.0), ("1.5G", 1536.0), ("3M", 3.0), ("1048576", 1.0), ("", None)]
)
def test_maxrss_becomes_megabytes(text, mb):
    assert rss_mb(text) == mb
