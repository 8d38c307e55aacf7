"""Fetching finished Dask runs' results in batches, so many short runs cost a few large
requests to the scheduler rather than one each (see DaskExecutor)."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future
from typing import Any

FETCH_PAUSE_SEC = 0.01  # between fetches while runs keep finishing: 100 requests/s at most


class Fetcher:
    """Fetches finished runs' results on the client's loop, one `gather` at a time: a run
    that finishes alone is fetched at once, and the runs that finish while a fetch is under
    way or in the FETCH_PAUSE_SEC after it are fetched together by the next. Many short
    runs so make a few large requests (as `client.map` + `gather` does), not one per two or
    three runs: each request is a round trip through the scheduler and the workers, which
    on a small machine share the cores with the runs."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: list[tuple[Any, Future]] = []
        self._fetching = False

    def finished(self, client: Any, run: Any, outcome: Future) -> None:
        """Dask's done-callback (on its callback thread): queue the run for the next fetch."""
        with self._lock:
            self._waiting.append((run, outcome))
            start = not self._fetching
            self._fetching = True
        if start:
            client.loop.add_callback(self._fetch_all, client)

    async def _fetch_all(self, client: Any) -> None:
        while True:
            with self._lock:
                waiting, self._waiting = self._waiting, []
                if not waiting:
                    self._fetching = False
                    return
            try:
                await _fetch_batch(client, waiting)
                await asyncio.sleep(FETCH_PAUSE_SEC)
            except BaseException:  # the loop is closing: the next run starts a fetch again
                with self._lock:
                    self._fetching = False
                raise


async def _fetch_batch(client: Any, waiting: list[tuple[Any, Future]]) -> None:
    """Complete each outcome with its run's result; a run that did not finish (failed,
    cancelled) completes with the Dask future itself."""
    done = [(run, outcome) for run, outcome in waiting if run.status == "finished"]
    for run, outcome in waiting:
        if run.status != "finished":
            outcome.set_result(run)
    if not done:
        return
    try:
        results = await client.gather([run for run, _ in done], asynchronous=True)
    except Exception:  # one was lost with its worker meanwhile: fetch each on its own
        for run, outcome in done:
            await _fetch(run, outcome)
        return
    for (_, outcome), result in zip(done, results):
        outcome.set_result(result)


async def _fetch(run: Any, outcome: Future) -> None:
    """On the client's loop: complete `outcome` with the finished run's RunResult, or with
    the Dask future itself when it failed or was cancelled (collect() then asks it why)."""
    if run.status == "finished":
        try:
            outcome.set_result(await run.client.gather(run, asynchronous=True))
            return
        except Exception:  # lost with its worker meanwhile: Dask recomputes it
            pass
    outcome.set_result(run)
