"""Sanity checks on a run's outputs: a result a physicist would reject is FAILED, not SUCCESS.

A solver can report success at a point where it has not converged (`q95 = 2204`). The
`checks:` key of any runner entry declares what a believable row looks like: finite
values, ranges, and expressions over the row (params and outputs, pandas `eval` syntax).
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Checks(BaseModel):
    """The `checks:` of a runner entry; the first that fails is the run's error."""

    model_config = ConfigDict(extra="forbid")

    finite: list[str] = Field(
        default_factory=list, description="outputs that must be finite numbers (not nan/inf)"
    )
    ranges: dict[str, tuple[float | None, float | None]] = Field(
        default_factory=dict,
        description="output: [low, high], both inclusive; null for an open end",
    )
    expressions: list[str] = Field(
        default_factory=list,
        description="conditions over the row that must be true, e.g. 'beta_n < 4 * li'",
    )

    @field_validator("expressions")
    @classmethod
    def _parse(cls, expressions: list[str]) -> list[str]:
        for expression in expressions:
            try:
                import pandas as pd  # only for a config that has expressions

                pd.eval(expression, engine="python", local_dict={}, global_dict={}, level=0)
            except SyntaxError as exc:
                raise ValueError(f"'{expression}': {exc.msg}") from None
            except Exception:  # names are only known per run; syntax is what counts here
                continue
        return expressions


def failed_check(checks: Checks, row: dict[str, Any]) -> str | None:
    """Why `row` fails `checks`, or None when it passes."""
    for name in checks.finite:
        value = row.get(name)
        if not _is_number(value) or not math.isfinite(value):
            return f"check finite: {name} = {value!r}"
    for name, (low, high) in checks.ranges.items():
        value = row.get(name)
        if not _is_number(value) or math.isnan(value):
            return f"check range: {name} = {value!r} is not a number"
        if (low is not None and value < low) or (high is not None and value > high):
            return f"check range: {name} = {value!r} is outside [{low}, {high}]"
    if not checks.expressions:
        return None
    import pandas as pd  # loaded by the first run that has expressions, not at import

    frame = pd.DataFrame([row])
    for expression in checks.expressions:
        try:
            passed = frame.eval(expression, engine="python")
        except Exception as exc:  # a missing column or a type clash: the row is not believable
            return f"check '{expression}': {type(exc).__name__}: {exc}"
        value = passed.iloc[0] if isinstance(passed, pd.Series) else passed
        if not bool(value):
            return f"check '{expression}' is false"
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)
