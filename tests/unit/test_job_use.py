"""Summing dask-jobqueue worker jobs' accounting into the core-hours they held."""

from __future__ import annotations

import pytest

from enchanted_surrogates.executors.job_use import JobUse


def test_without_sacct_the_runs_cpu_is_set_against_what_the_jobs_held():
    use = JobUse()
    use.add_event({"job_id": "1", "cores": 4, "elapsed_sec": 1800.0, "source": "scontrol"})
    use.add_event({"job_id": "2", "cores": 4, "elapsed_sec": 1800.0, "source": "scontrol"})
    assert use.core_hours == pytest.approx(4.0)
    assert use.summary(runs_cpu_sec=3600.0) == (
        "worker jobs: 2 batch jobs held 4 core-hours, runs used 25% of them"
    )


def test_with_sacct_the_schedulers_cpu_time_and_max_rss_are_reported():
    use = JobUse()
    use.add_event({"cores": 2, "elapsed_sec": 3600.0, "cpu_sec": 3600.0, "max_rss_mb": 512.0})
    line = use.summary(runs_cpu_sec=0.0)
    assert "held 2 core-hours" in line and "CPU efficiency 50% (sacct)" in line
    assert "MaxRSS 512 MB peak" in line


def test_nothing_accounted_says_nothing():
    assert JobUse().summary(runs_cpu_sec=10.0) == ""
