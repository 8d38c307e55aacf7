"""A supervisor waiting on long Dask runs must stay under 1% of one core (issue 16,
bench/supervisor_idle.py). A LocalCluster's nannies live in the supervisor process; their
memory monitor woke it ten times a second per worker, half of its idle CPU."""

from __future__ import annotations

import es_test_plugins
import pytest

from enchanted_surrogates.executors.completion import CompletionStream
from enchanted_surrogates.executors.dask import DaskExecutor
from enchanted_surrogates.runs.task import make_task

pytestmark = pytest.mark.slow


def test_no_periodic_work_in_the_supervisor_runs_more_often_than_once_a_second(tmp_path):
    executor = DaskExecutor(LocalCluster_config={"n_workers": 2})
    try:
        stream = CompletionStream()
        stream.submit(executor, make_task(es_test_plugins.PidRunner, {"x": 1.0}, tmp_path / "r"))
        stream.next()
        cluster = executor.cluster
        in_process = [cluster.scheduler, *cluster.workers.values()]  # scheduler, nannies
        nanny_callbacks = [w.periodic_callbacks for w in cluster.workers.values()]
        assert all("memory_monitor" in callbacks for callbacks in nanny_callbacks)
        frequent = {
            (type(server).__name__, name)
            for server in in_process
            for name, callback in server.periodic_callbacks.items()
            if callback.callback_time < 1000
        }
        # Dask hard-codes only the scheduler's cheap idle checks below one second
        assert frequent <= {("Scheduler", "idle-timeout"), ("Scheduler", "no-workers-timeout")}
    finally:
        executor.close()
