"""When a campaign should give up: most runs failing, or the very first one.

A cluster full of failing jobs is money burnt; a first run that fails usually means a
broken setup. Counts cover this session's finished chains only, so a campaign resumed
after fixing the cause starts with a clean slate (its old failures stay in the dataset).
"""

from __future__ import annotations

from collections import Counter

from enchanted_surrogates.config.models import SupervisorConfig


class CampaignAborted(Exception):
    """The campaign stopped on purpose; the message says why."""


class FailurePolicy:
    def __init__(self, config: SupervisorConfig) -> None:
        self.max_rate = config.max_failure_rate
        self.min_runs = config.failure_rate_min_runs
        self.first_failure = config.abort_on_first_failure
        self.first_runs = config.stop_if_first_runs_fail
        self.finished = 0
        self.failed = 0
        self.first_errors: Counter[str] = Counter()

    def observe(self, success: bool, error: str) -> None:
        """Count one finished chain; raise CampaignAborted when a limit is crossed."""
        self.finished += 1
        self.failed += int(not success)
        if not success and self.first_failure:
            raise CampaignAborted(f"abort_on_first_failure: a run failed: {error}")
        if self.finished <= self.first_runs and self.failed == self.finished:
            self.first_errors[error] += 1
            if self.finished == self.first_runs:
                commonest, count = self.first_errors.most_common(1)[0]
                raise CampaignAborted(
                    f"the first {self.finished} runs all failed ({count} of them with: "
                    f"{commonest}); fix the setup (or set supervisor.stop_if_first_runs_fail: 0)"
                )
        if self.max_rate is None or self.finished < self.min_runs:
            return
        rate = self.failed / self.finished
        if rate > self.max_rate:
            raise CampaignAborted(
                f"max_failure_rate: {self.failed} of {self.finished} runs failed "
                f"({rate:.0%} > {self.max_rate:.0%}); last error: {error}"
            )
