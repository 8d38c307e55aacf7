"""Start the Dask cluster a `DaskExecutor` entry describes, or connect to a running one.

Only this module and the executor import dask, and only when a campaign really starts a
cluster, so a config can be validated on a machine without the extras.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import re
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from enchanted_surrogates.executors.dask_config import DaskExecutorConfig
from enchanted_surrogates.executors.dask_resources import with_default_cores

log = logging.getLogger(__name__)

DASHBOARD = "127.0.0.1:8787"  # the dashboard is not exposed beyond this machine by default
NON_DAEMON_WORKERS = "DASK_DISTRIBUTED__WORKER__DAEMON=False"


@dataclass
class Started:
    """A connected client and the cluster we own (None for someone else's scheduler)."""

    client: Any
    cluster: Any


def local_cluster_kwargs(config: DaskExecutorConfig) -> dict[str, Any]:
    """LocalCluster keys: one single-threaded worker process per CPU unless configured;
    each worker declares its threads as `cores` (dask_resources.py)."""
    return with_default_cores(
        {
            "n_workers": os.cpu_count() or 1,
            "threads_per_worker": 1,
            "processes": True,
            "dashboard_address": DASHBOARD,
            **(config.LocalCluster_config or {}),
        }
    )


def estimated_slots(config: DaskExecutorConfig) -> int:
    """Worker threads the configured cluster will have, before it has started."""
    if config.scheduler_address is not None:
        return 1
    kwargs = config.jobqueue_kwargs()
    if kwargs is None:
        local = local_cluster_kwargs(config)
        return max(1, int(local["n_workers"]) * int(local["threads_per_worker"] or 1))
    jobs = config.scale_n_jobs_max or config.scale_n_jobs or 1
    cores = kwargs.get("cores")
    if cores is None:
        import dask

        cores = dask.config.get(f"jobqueue.{_config_name(config)}.cores", default=1)
    return max(1, jobs * int(cores or 1))


def start(config: DaskExecutorConfig, log_directory: str | None) -> Started:
    """Start (or connect to) the cluster; scale it; wait for workers if asked to."""
    import dask
    from distributed import Client

    if config.scheduler_address is not None:
        client = Client(config.scheduler_address)
        started = Started(client, None)
    else:
        settings = {
            "distributed.scheduler.allowed-failures": config.crash_attempts - 1,
            # a worker process must be able to start the child that enforces a run's limits
            "distributed.worker.daemon": False,
            # a supervisor idling on a login node: watch the event loop and the system
            # less often than Dask's 20 ms / 500 ms defaults (halves its idle CPU use)
            "distributed.admin.tick.interval": "1s",
            "distributed.admin.system-monitor.interval": "5s",
            # a LocalCluster's nannies live in the supervisor and read their worker's memory
            # every 100 ms by default: half its idle CPU; runs enforce their own memory_limit
            "distributed.worker.memory.monitor-interval": "1s",
        }
        dask.config.set(settings)
        if config.jobqueue_class() is None:
            from distributed import LocalCluster

            from enchanted_surrogates.executors.script_main import main_hidden

            # its worker processes must not re-run the user's script, nor die with tracebacks
            # on the Ctrl-C that the supervisor handles (it stops them itself)
            with main_hidden(), _sigint_ignored_by_children():
                cluster = LocalCluster(**local_cluster_kwargs(config))
            started = Started(Client(cluster), cluster)
        else:
            started = _start_jobqueue(config, log_directory)
    if importlib.util.find_spec("bokeh") is None:
        dashboard = "no dashboard (pip install bokeh for one)"
    else:
        dashboard = f"dashboard: {started.client.dashboard_link}"
    log.info("Dask scheduler at %s; %s", started.client.scheduler.address, dashboard)
    if config.block_until_cluster_started and started.cluster is not None:
        wanted = len(started.cluster.plan)
        log.info("waiting for the cluster's %d workers to connect", wanted)
        started.client.wait_for_workers(wanted)
    return started


@contextmanager
def _sigint_ignored_by_children() -> Iterator[None]:
    """SIGINT ignored while worker processes start: an ignored signal stays ignored across
    exec, and Python then installs no KeyboardInterrupt handler in the child."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _start_jobqueue(config: DaskExecutorConfig, log_directory: str | None) -> Started:
    name = config.jobqueue_class()
    module = _import_keeping_sigint("dask_jobqueue")
    kwargs = jobqueue_kwargs(config, log_directory)
    cluster = getattr(module, name)(**kwargs)
    log.info("worker job script:\n%s", cluster.job_script())
    from distributed import Client

    client = Client(cluster)
    if config.scale_n_jobs_min is not None:
        cluster.adapt(minimum_jobs=config.scale_n_jobs_min, maximum_jobs=config.scale_n_jobs_max)
    else:
        cluster.scale(jobs=config.scale_n_jobs or 1)
        _submit_now(cluster)
    if kwargs.get("log_directory"):
        log.info("worker logs go to %s", kwargs["log_directory"])
    return Started(client, cluster)


def _import_keeping_sigint(name: str) -> Any:
    """Import dask-jobqueue without losing the campaign's Ctrl-C handler: its runner module
    replaces SIGINT with `sys.exit()` at import, which would end an interrupted campaign
    with exit 0 instead of 130 and no 'interrupted' in the journal."""
    previous = signal.getsignal(signal.SIGINT)
    module = importlib.import_module(name)
    importlib.import_module(f"{name}.runner")
    if threading.current_thread() is threading.main_thread() and previous is not None:
        signal.signal(signal.SIGINT, previous)
    return module


def _submit_now(cluster: Any) -> None:
    """Submit the planned jobs and wait for the submissions (not the jobs) to finish.

    dask-jobqueue submits in the background and only logs a refused `sbatch`, so the
    campaign would wait forever for workers; here the scheduler's refusal ends it at once.
    SpecCluster has no public call for this, hence its internal one. Awaiting a job whose
    submission failed submits it once more, which raises the scheduler's error again.
    """
    from distributed.core import Status

    from enchanted_surrogates.supervisor.policies import CampaignAborted

    async def submitted() -> None:
        await cluster._correct_state()
        for job in list(cluster.workers.values()):
            await job

    tornado_log = logging.getLogger("tornado.application")
    tornado_log.addFilter(_not_the_refused_submission)
    try:
        cluster.sync(submitted)
    except RuntimeError as exc:
        for job in list(cluster._created):
            if job.status == Status.created:  # its job was never submitted
                job.status = Status.failed
        cluster.close()
        text = str(exc)
        message = text.split("stderr:", 1)[-1].strip() or text
        raise CampaignAborted(f"the batch system refused a worker job: {message}") from exc


def _not_the_refused_submission(record: logging.LogRecord) -> bool:
    """Tornado logs the refused background submission with a traceback; _submit_now
    reports it as one line instead."""
    return "_correct_state_internal" not in record.getMessage()


def jobqueue_kwargs(config: DaskExecutorConfig, log_directory: str | None) -> dict[str, Any]:
    """The dask-jobqueue keys as configured, plus a localhost dashboard, the worker log
    folder and a worker lifetime that ends before the walltime."""
    import dask

    kwargs = dict(config.jobqueue_kwargs() or {})
    options = dict(kwargs.get("scheduler_options") or {})
    options.setdefault("dashboard_address", DASHBOARD)
    kwargs["scheduler_options"] = options
    # as on a LocalCluster, a worker must be able to start the child that enforces limits
    prologue = list(kwargs.get("job_script_prologue") or [])
    kwargs["job_script_prologue"] = [f"export {NON_DAEMON_WORKERS}", *prologue]
    if log_directory and not kwargs.get("log_directory"):
        kwargs["log_directory"] = log_directory
    extra = list(kwargs.get("worker_extra_args") or [])
    if not any(arg.startswith("--lifetime") for arg in map(str, extra)):
        name = _config_name(config)
        walltime = kwargs.get("walltime") or dask.config.get(f"jobqueue.{name}.walltime", None)
        lifetime = worker_lifetime(walltime, config.worker_lifetime_margin, name)
        if lifetime is not None:
            seconds, stagger = lifetime
            extra += ["--lifetime", f"{seconds}s", "--lifetime-stagger", f"{stagger}s"]
            kwargs["worker_extra_args"] = extra
    return kwargs


def worker_lifetime(
    walltime: Any, margin: float | None, cluster_name: str
) -> tuple[int, int] | None:
    """(lifetime, stagger) in seconds so that every worker retires before the walltime;
    None when the walltime is unknown or too short to leave a margin."""
    total = walltime_seconds(walltime, cluster_name)
    if total is None:
        return None
    margin = margin if margin is not None else max(60.0, 0.05 * total)
    stagger = int(margin / 4)
    lifetime = int(total - margin)
    if lifetime <= stagger:
        log.warning(
            "walltime %s is too short for a worker lifetime margin of %.0f s; "
            "workers are not retired before it",
            walltime,
            margin,
        )
        return None
    return lifetime, stagger


_WALLTIME = re.compile(r"^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$")


def walltime_seconds(walltime: Any, cluster_name: str) -> float | None:
    """Seconds in a batch-system walltime: D-HH:MM:SS, HH:MM:SS, MM:SS or minutes (SLURM);
    HH:MM for LSF."""
    if walltime is None:
        return None
    if isinstance(walltime, (int, float)):
        return float(walltime) * 60
    match = _WALLTIME.match(str(walltime).strip())
    if not match:
        log.warning("cannot read walltime %r; workers are not retired before it", walltime)
        return None
    days, *rest = match.groups()
    parts = [int(p) for p in rest if p is not None]
    if len(parts) == 3:
        hours, minutes, seconds = parts
    elif len(parts) == 2:
        hours, minutes, seconds = (*parts, 0) if cluster_name == "lsf" else (0, *parts)
    else:
        hours, minutes, seconds = 0, parts[0], 0
    return float(((int(days or 0) * 24 + hours) * 60 + minutes) * 60 + seconds)


def _config_name(config: DaskExecutorConfig) -> str:
    if config.jobqueue is not None:
        return config.jobqueue.cluster
    return "slurm" if config.SLURMcluster_config is not None else "pbs"
