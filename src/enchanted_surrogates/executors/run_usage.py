"""CPU seconds and peak resident memory of one run's whole process tree.

A thread samples the tree (the process that runs the run and every descendant) with
psutil while the run goes on: the peak of the tree's summed RSS, and each process's CPU
time as last seen. Sampling misses what a short-lived process did between two samples,
so the exact `getrusage` figures of the processes the run waited for are taken too and
the larger of the two wins. A run that executes inside the worker process (no timeout or
memory limit) counts from a baseline taken when it starts; its memory includes the
worker's own.
"""

from __future__ import annotations

import os
import resource
import threading
import time
from dataclasses import dataclass

import psutil

SAMPLE_INTERVAL_SEC = 0.5
MB = 1024 * 1024


@dataclass(frozen=True)
class Usage:
    """What a run used: CPU seconds (user + system) and peak RSS in megabytes."""

    cpu_sec: float
    max_rss_mb: float


def rusage_usage(*who: int) -> Usage:
    """Summed CPU and the largest `ru_maxrss` of getrusage for each of `who`."""
    usages = [resource.getrusage(w) for w in who]
    cpu = sum(u.ru_utime + u.ru_stime for u in usages)
    return Usage(cpu, max(u.ru_maxrss for u in usages) / 1024)  # Linux: kilobytes


def _cpu(times: psutil._common.pcputimes) -> float:
    return times.user + times.system


class TreeMonitor:
    """Samples one process tree in a daemon thread until `stop()`."""

    def __init__(self, pid: int, interval: float = SAMPLE_INTERVAL_SEC) -> None:
        self._pid = pid
        self._interval = interval
        self._baseline: dict[tuple[int, float], float] = {}
        self._last: dict[tuple[int, float], float] = {}
        self._peak_rss = 0
        self._stopped = threading.Event()
        self._sample(into=self._baseline, tree=False)
        self._thread = threading.Thread(target=self._loop, name="run-usage", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stopped.wait(self._interval):
            self._sample(into=self._last)

    def _sample(self, into: dict[tuple[int, float], float], tree: bool = True) -> None:
        """Read the root, and with `tree` its descendants (a scan of /proc: milliseconds,
        so runs shorter than one interval never pay for it)."""
        rss = 0
        for process in _processes(self._pid, tree):
            try:
                with process.oneshot():
                    key = (process.pid, process.create_time())
                    rss += process.memory_info().rss
                    into[key] = _cpu(process.cpu_times())
            except psutil.Error:
                continue  # ended between listing and reading
        self._peak_rss = max(self._peak_rss, rss)

    def stop(self) -> Usage:
        """End sampling (one last look at the root first); the tree's sampled usage."""
        self._sample(into=self._last, tree=False)
        self._stopped.set()
        self._thread.join()
        cpu = sum(
            max(value - self._baseline.get(key, 0.0), 0.0) for key, value in self._last.items()
        )
        return Usage(cpu, self._peak_rss / MB)


class _WorkerSampler:
    """One sampling thread per worker process, started on first use: runs executing in the
    worker register here, so a run shorter than one interval costs two `getrusage` calls
    and one RSS read, not a thread of its own."""

    def __init__(self, interval: float = SAMPLE_INTERVAL_SEC) -> None:
        self.interval = interval
        self.active: InProcessUsage | None = None
        self._lock = threading.Lock()
        threading.Thread(target=self._loop, name="run-usage", daemon=True).start()

    def _loop(self) -> None:
        while True:
            time.sleep(self.interval)
            with self._lock:
                run = self.active
            if run is not None:
                run.peak_rss = max(run.peak_rss, _tree_rss(os.getpid()))

    def register(self, run: InProcessUsage | None) -> None:
        with self._lock:
            self.active = run


_sampler: _WorkerSampler | None = None


def _processes(pid: int, tree: bool = True) -> list[psutil.Process]:
    """Process `pid` and, with `tree`, its descendants; none if it has ended."""
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)] if tree else [root]
    except psutil.Error:
        return []


def _tree_rss(pid: int) -> int:
    rss = 0
    for process in _processes(pid):
        try:
            rss += process.memory_info().rss
        except psutil.Error:
            continue  # ended between listing and reading
    return rss


def tree_usage(pid: int) -> Usage:
    """CPU and RSS of process `pid` and its descendants now (one look, no baseline)."""
    cpu, rss = 0.0, 0
    for process in _processes(pid):
        try:
            with process.oneshot():
                cpu += _cpu(process.cpu_times())
                rss += process.memory_info().rss
        except psutil.Error:
            continue  # ended between listing and reading
    return Usage(cpu, rss / MB)


class InProcessUsage:
    """Usage of a run executing in this thread: the thread's CPU and its waited children
    (exact while the worker runs one task at a time), and the worker tree's sampled RSS."""

    def __init__(self) -> None:
        global _sampler
        if _sampler is None:
            _sampler = _WorkerSampler()
        self.peak_rss = 0
        self._before = rusage_usage(resource.RUSAGE_THREAD, resource.RUSAGE_CHILDREN)
        _sampler.register(self)

    def stop(self) -> Usage:
        _sampler.register(None)
        after = rusage_usage(resource.RUSAGE_THREAD, resource.RUSAGE_CHILDREN)
        # ru_maxrss is a lifetime peak of the worker, so the memory is the sampled one,
        # with the worker's size now for a run shorter than one sampling interval
        rss = max(self.peak_rss, _own_rss())
        return Usage(max(after.cpu_sec - self._before.cpu_sec, 0.0), rss / MB)


def _own_rss() -> int:
    with open("/proc/self/statm", "rb") as handle:
        return int(handle.read().split()[1]) * _PAGE


_PAGE = os.sysconf("SC_PAGE_SIZE")


def combine(sampled: Usage, exact: Usage | None) -> Usage:
    """The larger of sampled and exact figures (exact is None when the run was killed)."""
    if exact is None:
        return sampled
    return Usage(max(sampled.cpu_sec, exact.cpu_sec), max(sampled.max_rss_mb, exact.max_rss_mb))
