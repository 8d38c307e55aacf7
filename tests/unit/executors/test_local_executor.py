"""LocalExecutor on real worker processes: runner reuse, failures, worker deaths."""

from __future__ import annotations

import time

import es_test_plugins
import pytest
from processes import alive

from enchanted_surrogates.executors.base import ExecutorUnusable
from enchanted_surrogates.executors.completion import CompletionStream
from enchanted_surrogates.executors.local import LocalExecutor
from enchanted_surrogates.runs.status import Status
from enchanted_surrogates.runs.task import RunnerSpec, Task


def _tasks(tmp_path, cls, xs, **kwargs):
    spec = RunnerSpec(name="r", cls=cls, kwargs=kwargs, key=f"{cls.__name__}{sorted(kwargs)}")
    return [
        Task(run_id=f"run{i}", run_dir=str(tmp_path / f"run{i}"), params={"x": x}, runner=spec)
        for i, x in enumerate(xs)
    ]


def _run_all(executor, tasks):
    stream = CompletionStream()
    for task in tasks:
        stream.submit(executor, task)
    results = {}
    while len(stream):
        task, result = stream.next()
        results[task.run_id] = result
    return results


def test_runner_is_built_once_per_worker_process(tmp_path):
    executor = LocalExecutor(max_workers=2)
    try:
        results = _run_all(executor, _tasks(tmp_path, es_test_plugins.PidRunner, range(40)))
    finally:
        executor.close()
    outputs = [r.outputs for r in results.values()]
    assert all(r.status is Status.SUCCESS for r in results.values())
    assert {o["builds"] for o in outputs} == {1}
    pids = {o["pid"] for o in outputs}
    assert 1 <= len(pids) <= 2
    for pid in pids:
        assert len({o["instance"] for o in outputs if o["pid"] == pid}) == 1


def test_exceptions_become_failed_results_with_traceback(tmp_path):
    executor = LocalExecutor(max_workers=2)
    try:
        results = _run_all(
            executor, _tasks(tmp_path, es_test_plugins.RaisingRunner, [0.1, 0.9], threshold=0.5)
        )
    finally:
        executor.close()
    assert results["run0"].status is Status.SUCCESS and results["run0"].outputs["output"] == 0.2
    failed = results["run1"]
    assert failed.status is Status.FAILED
    assert failed.error == "ValueError: boom at x=0.9"
    assert "Traceback" in failed.traceback and "es_test_plugins.py" in failed.traceback
    assert (tmp_path / "run1" / "enchanted_datapoint.csv").exists()


def test_a_run_that_kills_its_worker_is_crashed_and_the_others_survive(tmp_path):
    executor = LocalExecutor(max_workers=1, crash_attempts=2)
    xs = [1.0, 2.0, 0.0, 3.0, 4.0, 5.0]
    try:
        results = _run_all(executor, _tasks(tmp_path, es_test_plugins.CrashRunner, xs))
    finally:
        executor.close()
    crashed = results["run2"]
    assert crashed.status is Status.CRASHED
    assert "died 2 times" in crashed.error
    for run_id in ("run0", "run1", "run3", "run4", "run5"):
        assert results[run_id].status is Status.SUCCESS, results[run_id].error


def test_capacity_counts_free_workers_and_the_eager_queue(tmp_path):
    executor = LocalExecutor(max_workers=2, max_pending=3)
    assert executor.capacity() == 2
    assert executor.capacity(eager=True) == 5
    stream = CompletionStream()
    try:
        for task in _tasks(tmp_path, es_test_plugins.PidRunner, range(3)):
            stream.submit(executor, task)
        assert executor.capacity() == 0
        assert executor.capacity(eager=True) == 2
        while len(stream):
            stream.next()
        # short runs: the eager queue grows by the chunk size so chunks can form
        assert executor.capacity() == 2
        assert executor.capacity(eager=True) == 5 * executor._chunks.size() > 5
    finally:
        executor.close()


def test_workers_that_die_before_running_anything_stop_the_executor_not_a_hang(tmp_path):
    # Importing this runner's module kills the worker, so every task dies while being
    # unpickled, before it runs: no run ever starts, and the pool breaks again and again.
    import es_worker_killer

    executor = LocalExecutor(max_workers=2, crash_attempts=2)
    try:
        with pytest.raises(ExecutorUnusable, match="2 times in a row before any run started"):
            _run_all(executor, _tasks(tmp_path, es_worker_killer.DoomedRunner, range(5)))
    finally:
        executor.close()


def test_many_short_runs_are_chunked_and_each_keeps_its_own_result(tmp_path):
    executor = LocalExecutor(max_workers=2)
    tasks = _tasks(
        tmp_path, es_test_plugins.RaisingRunner, [i / 1000 for i in range(600)], threshold=0.3
    )
    try:
        results = _run_all(executor, tasks)
    finally:
        executor.close()
    assert executor._chunks.size() > 1
    assert len(results) == 600
    for i, task in enumerate(tasks):
        result = results[task.run_id]
        if i / 1000 > 0.3:
            assert (
                result.status is Status.FAILED
                and result.error == f"ValueError: boom at x={i / 1000}"
            )
        else:
            assert result.status is Status.SUCCESS and result.outputs["output"] == i / 1000 * 2


def test_only_the_run_whose_worker_died_is_blamed(tmp_path):
    # Two workers: the innocent runs share the pool with a run that kills its worker.
    # The pool terminates the other worker too, but only the culprit counts an attempt.
    executor = LocalExecutor(max_workers=2, crash_attempts=2)
    tasks = _tasks(tmp_path, es_test_plugins.LateCrashRunner, [0.0, 1.0, 2.0, 3.0])
    try:
        results = _run_all(executor, tasks)
    finally:
        executor.close()
    assert results["run0"].status is Status.CRASHED and "2 times" in results["run0"].error
    for run_id in ("run1", "run2", "run3"):
        assert results[run_id].status is Status.SUCCESS, results[run_id].error
        with open(tmp_path / run_id / "invocations.txt") as handle:
            assert handle.read() == "1\n"  # a rerun after a break starts in a clean dir


def test_abort_stops_runs_under_limits_too(tmp_path):
    # A run with a timeout executes in its own session; an abort must still end it.
    spec = RunnerSpec(
        name="r", cls=es_test_plugins.LateWriterRunner, kwargs={}, key="late", timeout=100
    )
    task = Task(run_id="run0", run_dir=str(tmp_path / "run0"), params={"sleep": 2.0}, runner=spec)
    executor = LocalExecutor(max_workers=1)
    stream = CompletionStream()
    stream.submit(executor, task)
    started = tmp_path / "run0" / "started.txt"
    deadline = time.monotonic() + 30
    while not started.exists():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    executor.abort()
    time.sleep(3.0)
    assert not (tmp_path / "run0" / "late.txt").exists()
    assert not alive(int(started.read_text()))
