"""What runs on a worker process: build the runner, run one task, return a RunResult.

Kept free of heavy imports (no pandas) so worker start-up and per-task cost stay small.
"""

from __future__ import annotations

import contextlib
import csv
import numbers
import os
import shutil
import time
import traceback
from typing import Any

from enchanted_surrogates.executors import program_limits
from enchanted_surrogates.executors.limits import ChildFailure, run_limited
from enchanted_surrogates.executors.run_usage import InProcessUsage, Usage, combine
from enchanted_surrogates.runners.checks import failed_check
from enchanted_surrogates.runs import secret_files, secrets
from enchanted_surrogates.runs.errors import AbortCampaign, RunError
from enchanted_surrogates.runs.secret_streams import redact_streams
from enchanted_surrogates.runs.status import Status
from enchanted_surrogates.runs.task import RunnerSpec, RunResult, Task
from enchanted_surrogates.storage.disk_full import run_hit_full_disk
from enchanted_surrogates.storage.run_files import DATAPOINT_FILE, finish_run_dir, work_dir

_RUNNERS: dict[str, Any] = {}


def get_runner(spec: RunnerSpec) -> Any:
    """The runner for `spec`: a fresh one per run, as the original built them, so state a
    plugin keeps in `self` cannot leak into the next run; a class that declares
    `reusable = True` (the built-ins) is built once per process and reused."""
    if not getattr(spec.cls, "reusable", False):
        return spec.cls(**spec.kwargs)
    runner = _RUNNERS.get(spec.key)
    if runner is None:
        runner = spec.cls(**spec.kwargs)
        _RUNNERS[spec.key] = runner
    return runner


def run_task(task: Task) -> RunResult:
    """Run one task; every way it can go wrong becomes a status, never an exception."""
    spec = task.runner
    secrets.install(spec.secrets)
    started = time.time()
    t0 = time.perf_counter()
    work = work_dir(task.run_dir, task.files)
    usage: list[Usage] = []
    try:
        if work != task.run_dir:
            shutil.rmtree(work, ignore_errors=True)  # left by a worker that died mid-run
        os.makedirs(work, exist_ok=True)
        runner = get_runner(spec)
        in_worker = program_limits.in_worker(runner, spec.timeout, spec.memory_limit)
        if (spec.timeout or spec.memory_limit) and not in_worker:
            raw = run_limited(
                runner, work, dict(task.params), spec.timeout, spec.memory_limit, usage
            )
        else:
            in_process = InProcessUsage()
            limits: program_limits.ProgramLimits | None = None
            try:
                scope = (
                    program_limits.applied(spec.timeout) if in_worker else contextlib.nullcontext()
                )
                with scope as limits:
                    raw = runner.single_code_run(run_dir=work, params=dict(task.params))
            finally:
                usage.append(combine(in_process.stop(), limits.used if limits else None))
        outputs, status, error = check_outputs(raw)
        if status is Status.SUCCESS and spec.checks:
            error = failed_check(spec.checks, {**task.params, **outputs}) or ""
            status = Status.FAILED if error else status
        result = RunResult(run_id=task.run_id, status=status, outputs=outputs, error=error)
    except BaseException as exc:  # a runner may raise anything, even SystemExit
        if isinstance(exc, KeyboardInterrupt):
            raise
        result = _failure(task, exc)
    result.runtime_sec = time.perf_counter() - t0
    if usage:
        result.cpu_sec, result.max_rss_mb = usage[0].cpu_sec, usage[0].max_rss_mb
    result.started_at = started
    result.ended_at = time.time()
    _redact(result)
    if not result.success and spec.secrets:  # a killed program could not redact its own
        redact_streams(work)
    if not result.success and not result.abort:
        result.disk_full = run_hit_full_disk(work, result.error)
    if task.write_datapoint:
        _write_datapoint(work, task, result)
    _finish_files(task, work, result)
    if spec.secrets:
        result.notes = secret_files.warnings_for(task.run_dir)
    return result


def _finish_files(task: Task, work: str, result: RunResult) -> None:
    """Prune the run dir now unless a later run reads it; bring staged files home."""
    read_later = task.read_later_if_success if result.success else task.read_later_if_failure
    try:
        finish_run_dir(task.run_dir, work, task.files, prune=not read_later)
    except OSError as exc:
        result.status = Status.FAILED
        result.error = f"could not move the run's files from {work} to {task.run_dir}: {exc}"


def _failure(task: Task, exc: BaseException) -> RunResult:
    """The result of a run that raised: its status, message and traceback."""
    tb = exc.child_traceback if isinstance(exc, ChildFailure) else traceback.format_exc()
    if isinstance(exc, AbortCampaign):
        return RunResult(
            task.run_id, Status.FAILED, error=f"AbortCampaign: {exc}", traceback=tb, abort=True
        )
    if isinstance(exc, RunError):
        return RunResult(task.run_id, exc.status, error=str(exc), traceback=tb)
    return RunResult(task.run_id, Status.FAILED, error=f"{type(exc).__name__}: {exc}", traceback=tb)


def _redact(result: RunResult) -> None:
    """Secrets never leave the worker inside a message or an output."""
    result.error = secrets.redact(result.error)
    result.traceback = secrets.redact(result.traceback)
    result.outputs = {key: secrets.redact(value) for key, value in result.outputs.items()}


def check_outputs(raw: Any) -> tuple[dict[str, Any], Status, str]:
    """Validate what a runner returned: a dict of plain scalars with a bool `success`."""
    if not isinstance(raw, dict):
        return {}, Status.FAILED, f"runner returned {type(raw).__name__}, expected a dict"
    outputs: dict[str, Any] = {}
    problems: list[str] = []
    for key, value in raw.items():
        if key == "success":
            continue
        scalar = to_scalar(value)
        if scalar is _NOT_SCALAR:
            problems.append(f"output {key!r} is a {type(value).__name__}, not a scalar")
        else:
            outputs[str(key)] = scalar
    if "success" not in raw:
        return outputs, Status.FAILED, "runner returned no 'success' key"
    success = to_scalar(raw["success"])
    if not isinstance(success, bool):
        return outputs, Status.FAILED, f"'success' must be a bool, got {raw['success']!r}"
    if problems:
        return outputs, Status.FAILED, "; ".join(problems)
    if not success:
        message = outputs.get("error") if isinstance(outputs.get("error"), str) else ""
        return outputs, Status.FAILED, message or "runner reported success=False"
    return outputs, Status.SUCCESS, ""


_NOT_SCALAR = object()


def to_scalar(value: Any) -> Any:
    """Plain Python scalar for int/float/str/bool (numpy ones included), else a sentinel."""
    if value is None or isinstance(value, (bool, str)):
        return value
    item = getattr(value, "item", None)
    if callable(item) and getattr(value, "ndim", 0) == 0:
        value = item()
        if isinstance(value, (bool, str)):
            return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return _NOT_SCALAR


def _write_datapoint(work: str, task: Task, result: RunResult) -> None:
    """The one-row CSV the original wrote into every run directory, with its columns
    (`success_<runner>`, `runtime_sec_<runner>`, `run_dir` last) kept for its scripts."""
    row = {**task.params, **result.outputs, "success": result.success, "status": str(result.status)}
    row["error"] = result.error
    row[f"success_{task.runner.name}"] = result.success
    row[f"runtime_sec_{task.runner.name}"] = result.runtime_sec
    row.pop("run_dir", None)
    row["run_dir"] = task.run_dir
    try:
        with open(os.path.join(work, DATAPOINT_FILE), "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(row.keys())
            writer.writerow(row.values())
    except OSError:
        pass  # the run dir may be gone (a runner that removed it); the journal has the row
