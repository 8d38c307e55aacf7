"""How `pbs_commands` reads PBS's job records (`qstat -x -f -F json`), through the fake
qstat of tests/helpers/fake_pbs serving records as PBS Professional writes them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from enchanted_surrogates.executors import pbs_commands

FAKE_PBS = Path(__file__).parents[2] / "helpers" / "fake_pbs"


@pytest.fixture
def records(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", f"{FAKE_PBS}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_PBS_DIR", str(tmp_path))

    def write(job_id: str, **fields) -> str:
        name = job_id.replace("[", "_").replace("]", "_") + ".json"
        (tmp_path / name).write_text(json.dumps({"id": job_id, **fields}))
        return job_id

    return write


@pytest.mark.parametrize(
    ("fields", "state"),
    [
        ({"job_state": "Q"}, "PENDING"),
        ({"job_state": "H"}, "PENDING"),
        ({"job_state": "R"}, "RUNNING"),
        ({"job_state": "E"}, "RUNNING"),
        ({"job_state": "F", "Exit_status": 0}, "COMPLETED"),
        ({"job_state": "X", "Exit_status": 2}, "FAILED"),
        ({"job_state": "F", "Exit_status": -29}, "TIMEOUT"),
        (
            {"job_state": "F", "Exit_status": 271, "comment": "walltime 62 exceeded limit 60"},
            "TIMEOUT",
        ),
        ({"job_state": "F", "Exit_status": -27}, "OUT_OF_MEMORY"),
        ({"job_state": "F", "Exit_status": 271}, "CANCELLED"),
        ({"job_state": "F", "comment": "Job deleted"}, "CANCELLED"),
    ],
)
def test_pbs_states_map_to_the_common_vocabulary(records, fields, state):
    job = records("7[1].fakeserver", **fields)
    assert pbs_commands.states([job])[job].state == state


def test_a_job_qstat_no_longer_knows_has_no_state(records):
    known = records("8.fakeserver", job_state="R")
    found = pbs_commands.states([known, "9.fakeserver"])
    assert found[known].active and found["9.fakeserver"].state is None


def test_accounting_reads_resources_used(records):
    used = {"walltime": "01:00:05", "cput": "02:00:00", "mem": "2048kb"}
    job = records("10.fakeserver", job_state="F", Exit_status=0, resources_used=used)
    accounting = pbs_commands.job_accounting(job)
    assert accounting == {
        "job_id": job,
        "source": "qstat",
        "state": "COMPLETED",
        "elapsed_sec": 3605.0,
        "cpu_sec": 7200.0,
        "max_rss_mb": 2.0,
    }


def test_array_task_ids_and_the_site_array_limit(monkeypatch, records):
    assert pbs_commands.array_task_id("1234[].server", 5) == "1234[5].server"
    monkeypatch.setenv("FAKE_PBS_MAX_ARRAY", "250")
    assert pbs_commands.max_array_size() == 250
