"""Summing the runs' measured columns into core-hours, CPU efficiency and memory."""

from __future__ import annotations

import pytest

from enchanted_surrogates.runs.resource_use import ResourceUse


def test_rows_sum_to_core_hours_efficiency_and_memory():
    use = ResourceUse()
    use.add_row({"runtime_sec_a": 100.0, "cpu_sec_a": 3600.0, "max_rss_mb_a": 100.0})
    use.add_row({"runtime_sec_a": 100.0, "cpu_sec_a": 0.0, "max_rss_mb_a": 300.0})
    use.add_row({"runtime_sec_a": 5.0, "cpu_sec_a": None})  # killed before it reported
    assert use.runs == 2
    assert use.core_hours == pytest.approx(1.0)
    assert use.cpu_efficiency == pytest.approx(18.0)  # 3600 CPU s over 200 wall s
    assert use.mean_rss_mb == pytest.approx(200.0) and use.peak_rss_mb == 300.0
    assert "1 core-hours used by 2 runs" in use.summary()


def test_nothing_measured_says_nothing():
    use = ResourceUse()
    use.add_row({"runtime_sec_a": 1.0})
    assert use.summary() == ""
