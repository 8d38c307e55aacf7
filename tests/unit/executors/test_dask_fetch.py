"""The DaskExecutor's fetcher on a real in-process Dask cluster: finished runs' results
come back in few requests, and every one of them comes back."""

from __future__ import annotations

import time
from concurrent.futures import Future

import pytest
from distributed import Client, wait

from enchanted_surrogates.executors.dask_fetch import FETCH_PAUSE_SEC, Fetcher

pytestmark = pytest.mark.slow


def _double(x: int) -> int:
    return 2 * x


def test_runs_finishing_one_after_another_are_fetched_in_few_requests() -> None:
    cluster = {"processes": False, "n_workers": 1, "threads_per_worker": 1}
    with Client(dashboard_address=None, **cluster) as client:
        runs = client.map(_double, range(200), pure=False)
        wait(runs)
        requests: list[int] = []
        gather = client.gather

        def counted(futures, **kwargs):
            requests.append(len(futures))
            return gather(futures, **kwargs)

        client.gather = counted
        fetcher = Fetcher()
        outcomes = [Future() for _ in runs]
        start = time.perf_counter()
        for run, outcome in zip(runs, outcomes):  # a run finishing every millisecond
            fetcher.finished(client, run, outcome)
            time.sleep(0.001)
        results = [outcome.result(timeout=30) for outcome in outcomes]
        elapsed = time.perf_counter() - start

    assert results == [2 * x for x in range(200)]
    assert sum(requests) == 200
    assert len(requests) <= elapsed / FETCH_PAUSE_SEC + 2, requests
