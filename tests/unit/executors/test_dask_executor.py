"""DaskExecutor on a real 2-worker LocalCluster: runner reuse, failures, worker deaths,
cancelling, and results through the completion stream."""

from __future__ import annotations

from dataclasses import replace

import es_test_plugins
import pytest
from campaign_configs import basic_config, xy_sampler

import enchanted_surrogates
from enchanted_surrogates.executors.completion import CompletionStream
from enchanted_surrogates.executors.dask import DaskExecutor
from enchanted_surrogates.executors.driver import RunDriver
from enchanted_surrogates.runs.status import Status
from enchanted_surrogates.runs.task import make_task

pytestmark = pytest.mark.slow


@pytest.fixture
def executor():
    dask_executor = DaskExecutor(LocalCluster_config={"n_workers": 2}, crash_attempts=2)
    yield dask_executor
    dask_executor.close()


def _run_all(executor, runner, xs, tmp_path, **kwargs):
    stream = CompletionStream()
    for i, x in enumerate(xs):
        stream.submit(executor, make_task(runner, {"x": x}, tmp_path / f"run{i}", **kwargs))
    results = {}
    while len(stream):
        task, result = stream.next()
        results[task.run_id] = result
    return results


def test_runner_is_built_once_per_worker_and_results_come_back(executor, tmp_path):
    results = _run_all(executor, es_test_plugins.PidRunner, range(40), tmp_path)
    assert len(results) == 40
    assert all(r.status is Status.SUCCESS for r in results.values())
    outputs = [r.outputs for r in results.values()]
    assert {o["builds"] for o in outputs} == {1}
    assert 1 <= len({o["pid"] for o in outputs}) <= 2
    assert executor.worker_slots() == 2


def test_a_run_that_keeps_killing_its_worker_is_crashed_and_the_rest_succeed(executor, tmp_path):
    results = _run_all(
        executor, es_test_plugins.CrashRunner, [0.0, 1.0, 2.0], tmp_path, crash_at=0.0
    )
    assert results["run0"].status is Status.CRASHED
    assert "died 2 times" in results["run0"].error
    assert results["run1"].status is Status.SUCCESS and results["run2"].outputs["output"] == 2.0


def test_a_runner_whose_import_kills_workers_is_crashed_not_retried_forever(executor, tmp_path):
    import es_worker_killer

    results = _run_all(executor, es_worker_killer.DoomedRunner, [0.0], tmp_path)
    assert results["run0"].status is Status.CRASHED
    assert "never started" in results["run0"].error


def test_a_time_limit_is_enforced_on_a_dask_worker(executor, tmp_path):
    task = make_task(es_test_plugins.HangRunner, {"x": 1.0}, tmp_path / "hang")
    stream = CompletionStream()
    stream.submit(executor, replace(task, runner=replace(task.runner, timeout=1.0)))
    _, result = stream.next()
    assert result.status is Status.TIMEOUT


def test_queued_runs_can_be_cancelled_and_running_ones_are_not(executor, tmp_path):
    with RunDriver(executor) as driver:
        for i in range(6):
            task = make_task(es_test_plugins.SleepRunner, {"sleep": 1.0}, tmp_path / f"s{i}")
            driver.submit(task)
        while "RUNNING" not in driver.poll().values():
            pass  # each poll asks the workers what they execute
        running = [h for h, s in driver.poll().items() if s == "RUNNING"]
        assert not driver.cancel(running[0])
        assert driver.cancel("s5", reason="not needed")
        results = driver.wait()
    assert results["s5"].status is Status.CANCELLED and results["s5"].error == "not needed"
    assert results[running[0]].status is Status.SUCCESS


def test_an_existing_scheduler_is_used_and_left_running(tmp_path):
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
        executor = DaskExecutor(scheduler_address=cluster.scheduler_address)
        try:
            results = _run_all(executor, es_test_plugins.PidRunner, range(6), tmp_path)
            assert executor.worker_slots() == 2
        finally:
            executor.close()
        assert all(r.status is Status.SUCCESS for r in results.values())
        with Client(cluster) as client:
            assert len(client.nthreads()) == 2


def test_runs_of_one_runner_share_one_dask_task_group(tmp_path):
    """A task group per run made the scheduler's per-submission bookkeeping walk every
    run ever submitted (quadratic in the campaign's size with distributed 2026.8)."""
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=None) as cluster:
        executor = DaskExecutor(scheduler_address=cluster.scheduler_address)
        try:
            stream = CompletionStream()
            for i in range(5):
                task = make_task(es_test_plugins.SleepRunner, {"sleep": 3.0}, tmp_path / f"r{i}")
                stream.submit(executor, task)
            executor.flush()
            with Client(cluster) as client:
                groups = client.run_on_scheduler(_task_groups_once_scheduled, 5)
            executor.cancel_all()
        finally:
            executor.close()
    assert groups == ["SleepRunner"]


async def _task_groups_once_scheduled(count, dask_scheduler=None):
    """The scheduler's task groups, once all `count` submissions reached it (they travel
    on the client's batched stream)."""
    import asyncio

    for _ in range(300):
        if len(dask_scheduler.tasks) >= count:
            break
        await asyncio.sleep(0.1)
    return sorted(dask_scheduler.task_groups)


def _graph_updates():
    """A scheduler plugin counting the keys of each graph update the scheduler receives."""
    from distributed.diagnostics.plugin import SchedulerPlugin

    class GraphUpdates(SchedulerPlugin):
        name = "count-graph-updates"

        def __init__(self) -> None:
            self.sizes: list[int] = []

        def update_graph(self, scheduler, *, keys, **kwargs) -> None:
            self.sizes.append(len(keys))

    return GraphUpdates()


def test_runs_reach_the_scheduler_in_batches_and_start_in_the_order_submitted(tmp_path):
    """One graph update per run cost the scheduler, which shares the supervisor's cores,
    more than the runs' own work for short runs; batches must still run in order."""
    from distributed import LocalCluster

    from enchanted_surrogates.executors.dask import SUBMIT_BATCH

    count = SUBMIT_BATCH + 50
    with LocalCluster(
        n_workers=1, threads_per_worker=1, dashboard_address=None, processes=False
    ) as cluster:
        updates = _graph_updates()
        cluster.scheduler.add_plugin(updates)
        executor = DaskExecutor(scheduler_address=cluster.scheduler_address)
        try:
            stream = CompletionStream()
            for i in range(count):
                stream.submit(
                    executor, make_task(es_test_plugins.PidRunner, {}, tmp_path / f"r{i}")
                )
            order = []
            while len(stream):
                task, result = stream.next()
                assert result.status is Status.SUCCESS
                order.append(int(task.run_id[1:]))
        finally:
            executor.close()
    assert updates.sizes == [SUBMIT_BATCH, count - SUBMIT_BATCH]
    assert order == list(range(count))  # one worker: finished in the order started


def test_a_campaign_of_short_runs_refills_the_dask_queue_in_large_maps(tmp_path):
    """Topping the queue up after every result sent maps of two or three runs, a graph
    update each; the queue now refills once half of its depth has drained."""
    from distributed import LocalCluster

    runs = 400
    runner = {"type": "SyntheticDoubleGaussianRunner"}
    config = basic_config(tmp_path / "c", runner, xy_sampler(runs, seed=2))
    with LocalCluster(
        n_workers=1, threads_per_worker=1, dashboard_address=None, processes=False
    ) as cluster:
        updates = _graph_updates()
        cluster.scheduler.add_plugin(updates)
        config["executors"]["e1"] = {
            "type": "DaskExecutor",
            "scheduler_address": cluster.scheduler_address,
        }
        df = enchanted_surrogates.run(config)
    assert len(df) == runs and (df["status"] == "SUCCESS").all()
    assert sum(updates.sizes) == runs
    assert len(updates.sizes) <= runs / 8, updates.sizes  # 110 maps before, 20-32 now


def test_a_run_cancelled_before_it_reaches_dask_never_runs(executor, tmp_path):
    stream = CompletionStream()
    futures = [
        stream.submit(executor, make_task(es_test_plugins.PidRunner, {}, tmp_path / f"r{i}"))
        for i in range(3)
    ]
    assert executor.is_running(futures[1]) is False
    assert executor.cancel(futures[1])
    results = {}
    while len(stream):
        task, result = stream.next()
        results[task.run_id] = result
    assert results["r1"].status is Status.CANCELLED
    assert not (tmp_path / "r1").exists()
    assert results["r0"].status is Status.SUCCESS and results["r2"].status is Status.SUCCESS
