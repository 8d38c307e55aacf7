"""Run recorded failures again, in place: `enchanted run CFG --resume --retry-failed`.

A run that failed because of its environment (a full disk, a missing file or licence, a
node that died) is recorded for good, and a plain resume keeps it. Retrying reopens each
such chain at the stage that ended it: a `reopened` event is appended to the journal
(which keeps the earlier attempt), and the resume then runs that stage again like a run
cut short by a stop, with the same parameters and run id, in the same run directory
(emptied first). Replay and the dataset take the attempt after the reopening as the
chain's truth, so the dataset keeps one row per chain.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from enchanted_surrogates.config.spec import CampaignSpec
from enchanted_surrogates.journal import Journal, read_journal
from enchanted_surrogates.journal.replay import FINAL, REOPENED, CampaignHistory
from enchanted_surrogates.runs.status import Status

log = logging.getLogger("enchanted_surrogates.supervisor")

# What an environment fault leaves: a missing file, secret or full disk fails the run, a
# dead node or worker crashes it, a scheduler (preemption, an admin) cancels it. TIMEOUT
# and MEMOUT would mostly recur under the same limits, so they are retried only on request.
DEFAULT_STATUSES = (Status.FAILED, Status.CRASHED, Status.CANCELLED)
RETRYABLE = tuple(status.value for status in Status if status is not Status.SUCCESS)


def retry_statuses(names: Iterable[str]) -> frozenset[str]:
    """The statuses to retry, from names given in any case (none: DEFAULT_STATUSES).
    ValueError names an unknown one."""
    chosen = {name.upper() for name in names} or {str(s) for s in DEFAULT_STATUSES}
    unknown = sorted(chosen - set(RETRYABLE))
    if unknown:
        raise ValueError(
            f"--retry-failed: unknown status {', '.join(unknown)}; choose from "
            f"{', '.join(RETRYABLE)}"
        )
    return frozenset(chosen)


def refusal(spec: CampaignSpec) -> str | None:
    """Why this campaign cannot retry its failures, or None."""
    nested = len(spec.levels) > 1
    if nested and spec.config.supervisor.nested_failed_parents == "include":
        return (
            "--retry-failed: not with supervisor.nested_failed_parents: include (the children "
            "of a failed parent ran from its failed row and would not match a new one); "
            "start a new campaign instead"
        )
    return None


@dataclass
class _Ended:
    run_id: str
    stage: int
    status: str
    error: str | None
    params: dict[str, Any] | None = None
    attempt: int = 0


def reopen_failed(journal_path: Path, history: CampaignHistory, statuses: frozenset[str]) -> int:
    """Reopen every chain whose row has one of `statuses`: journal it, and open it in
    `history` so the resume runs it again. Returns how many were reopened."""
    chains = _failed_chains(journal_path, statuses)
    if not chains:
        log.info("--retry-failed: no recorded run ended %s", " or ".join(sorted(statuses)))
        return 0
    events = []
    with Journal(journal_path) as journal:
        for (level, index, parent), ended in chains.items():
            event = {
                "run_id": ended.run_id,
                "level": level,
                "stage": ended.stage,
                "index": index,
                "parent": parent,
                "attempt": ended.attempt + 1,  # a new attempt: never re-attach to the old job
                "params": ended.params,
                "status": ended.status,
                "error": ended.error,
            }
            journal.append("reopened", **event)
            events.append(event)
    for event in events:
        history.level(event["level"]).reopen(event)
    log.info(
        "--retry-failed: running %d recorded run(s) again in place (%s)",
        len(events),
        ", ".join(sorted(statuses)),
    )
    return len(events)


def _failed_chains(
    journal_path: Path, statuses: frozenset[str]
) -> dict[tuple[int, int, int], _Ended]:
    """The chains whose current row failed with one of `statuses`, with the params and
    last attempt of the stage that ended each (two streamed reads of the journal)."""
    ended: dict[tuple[int, int, int], _Ended] = {}
    for event in read_journal(journal_path, containing=(FINAL, REOPENED)):
        kind = event["event"]
        if kind == "reopened":
            ended.pop((event["level"], event["index"], event["parent"]), None)
        elif kind in ("finished", "failed") and event.get("final"):
            row = event["row"]
            ended.setdefault(
                (event["level"], event["index"], event["parent"]),
                _Ended(event["run_id"], event["stage"], str(row.get("status")), row.get("error")),
            )
    chosen = {
        key: run
        for key, run in ended.items()
        if run.status in statuses and run.status != str(Status.SUCCESS)
    }
    if not chosen:
        return {}
    for event in read_journal(journal_path, containing='"event":"submitted"'):
        if event["event"] != "submitted":
            continue
        run = chosen.get((event["level"], event["index"], event["parent"]))
        if run is not None and run.stage == event["stage"]:
            run.params = event["params"]
            run.attempt = max(run.attempt, int(event.get("attempt", 1)))
    missing = [run.run_id for run in chosen.values() if run.params is None]
    if missing:
        log.warning(
            "--retry-failed: %d run(s) have no recorded submission (%s...); they are kept",
            len(missing),
            missing[0],
        )
    return {key: run for key, run in chosen.items() if run.params is not None}
