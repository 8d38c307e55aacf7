"""The public executor contract, driven from a plain loop as docs/executor-contract.md shows."""

from __future__ import annotations

import time

import es_test_plugins

from enchanted_surrogates.executors.driver import RunDriver
from enchanted_surrogates.executors.local import LocalExecutor
from enchanted_surrogates.runs.task import make_task


def test_submit_poll_capacity_cancel_and_collect_from_a_plain_loop(tmp_path):
    with RunDriver(LocalExecutor(max_workers=2, max_pending=0)) as driver:
        assert driver.capacity() == 2
        handles = [
            driver.submit(
                make_task(
                    es_test_plugins.SleepRunner, {"sleep": 0.6, "i": i}, str(tmp_path / f"run{i}")
                )
            )
            for i in range(5)
        ]
        assert handles == [f"run{i}" for i in range(5)]
        assert driver.capacity() == 0
        deadline = time.monotonic() + 30
        while list(driver.poll().values()).count("RUNNING") < 2:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        statuses = driver.poll()
        assert statuses["run4"] == "PENDING"
        assert driver.cancel("run4", reason="the optimiser changed its mind")
        assert not driver.cancel("run0")  # already running
        seen = dict(driver.results())
        assert set(seen) == set(handles)
        assert seen["run4"].status.value == "CANCELLED"
        assert seen["run4"].error == "the optimiser changed its mind"
        assert all(seen[h].status.value == "SUCCESS" for h in handles[:4])
        assert not (tmp_path / "run4").exists()  # a cancelled run never started
        assert driver.poll() == {**{h: "SUCCESS" for h in handles[:4]}, "run4": "CANCELLED"}
        assert driver.wait() == seen


def test_wait_returns_every_result_and_handles_must_be_unique(tmp_path):
    with RunDriver(LocalExecutor(max_workers=2)) as driver:
        task = make_task(
            es_test_plugins.RaisingRunner, {"x": 0.9}, str(tmp_path / "a"), threshold=0.5
        )
        driver.submit(task)
        try:
            driver.submit(task)
        except ValueError as exc:
            assert "submitted already" in str(exc)
        else:
            raise AssertionError("a duplicate handle was accepted")
        results = driver.wait()
    assert results["a"].status.value == "FAILED" and "boom" in results["a"].error


def test_cancel_is_truthful_for_chunked_short_runs(tmp_path):
    with RunDriver(LocalExecutor(max_workers=1)) as driver:
        for i in range(40):  # warm up: short runs make the executor chunk submissions
            driver.submit(make_task(es_test_plugins.PidRunner, {}, str(tmp_path / f"w{i}")))
        driver.wait()
        handles = [
            driver.submit(
                make_task(es_test_plugins.SleepRunner, {"sleep": 0.001}, str(tmp_path / f"run{i}"))
            )
            for i in range(10)
        ]
        answers = {h: driver.cancel(h, "no") for h in handles[5:]}
        results = driver.wait()
    for handle, cancelled in answers.items():
        ran = (tmp_path / handle).exists()
        assert cancelled != ran, f"{handle}: cancel said {cancelled} but ran={ran}"
        assert (results[handle].status.value == "CANCELLED") == cancelled


def test_a_resubmitted_run_can_still_be_cancelled(tmp_path):
    with RunDriver(LocalExecutor(max_workers=1, crash_attempts=2)) as driver:
        driver.submit(
            make_task(
                es_test_plugins.LateCrashRunner, {"x": 0.0}, str(tmp_path / "crasher"), delay=0.2
            )
        )
        driver.submit(
            make_task(
                es_test_plugins.LateCrashRunner, {"x": 1.0}, str(tmp_path / "victim"), delay=0.5
            )
        )
        driver.submit(
            make_task(
                es_test_plugins.LateCrashRunner, {"x": 2.0}, str(tmp_path / "third"), delay=0.5
            )
        )
        driver.submit(
            make_task(
                es_test_plugins.LateCrashRunner, {"x": 3.0}, str(tmp_path / "fourth"), delay=0.5
            )
        )
        deadline = time.monotonic() + 30
        while not (tmp_path / "victim" / "invocations.txt").exists():
            assert time.monotonic() < deadline
            driver.poll()
            time.sleep(0.05)
        # after the pool broke, "fourth" was resubmitted and waits in the new pool: the
        # driver follows its new future, so it can still be withdrawn
        assert driver.cancel("fourth", "not needed")
        results = driver.wait()
    assert results["fourth"].status.value == "CANCELLED"
    assert not (tmp_path / "fourth" / "invocations.txt").exists()
    assert results["victim"].status.value == "SUCCESS"
    assert results["third"].status.value == "SUCCESS"
    assert results["crasher"].status.value == "CRASHED"
