"""A toy runner that launches a real subprocess, for trying the framework end to end.

It keeps the behaviour of the original project's example runner, which users' tests rely on.
"""

from __future__ import annotations

import logging
import numbers
import os
import subprocess
import sys
import time
from collections.abc import Iterable
from typing import Any

import numpy as np

from enchanted_surrogates.runners.base_runner import Runner

logger = logging.getLogger(__name__)

OUTPUT_FILE = "output.txt"


class ExampleRunner(Runner):
    """Adds up to two parameters in a child Python process and reads the sum back from a file.

    `sleep_sec` (a number, or [low, high] for a uniform random duration) imitates a slow code;
    `fail_prob` makes a run fail on purpose, to exercise failure handling.
    """

    reusable = True  # keeps no per-run state in self

    def __init__(self, sleep_sec: Any = 0.01, fail_prob: float = 0.0) -> None:
        # Checked when used rather than here, as the original did.
        self.sleep_sec = sleep_sec
        self.fail_prob = fail_prob

    def get_sleep_sec(self) -> float:
        """How long this run should sleep: the fixed value, or a draw from [low, high]."""
        value = self.sleep_sec
        if isinstance(value, numbers.Number):
            return float(value)
        if not isinstance(value, Iterable):
            raise TypeError(
                f"sleep_sec must be a number or [low, high], got {type(value).__name__}: {value!r}"
            )
        bounds = list(value)
        if len(bounds) != 2:
            raise ValueError(f"sleep_sec as a range needs exactly [low, high], got {value!r}")
        low, high = bounds
        if not all(isinstance(bound, numbers.Number) for bound in bounds):
            raise TypeError(f"sleep_sec bounds must be numbers, got {value!r}")
        if low > high:
            raise ValueError(f"sleep_sec low bound {low} is above high bound {high}")
        return float(np.random.uniform(low, high))

    def single_code_run(self, run_dir: str, params: dict | None = None) -> dict:
        """Sum the first two parameter values (missing ones count as 0.0)."""
        os.makedirs(run_dir, exist_ok=True)
        values = list((params or {}).values())[:2]
        terms = [_to_float(value) for value in values] + [0.0] * (2 - len(values))
        output_path = os.path.join(run_dir, OUTPUT_FILE)
        command = [sys.executable, "-c", f"print({terms[0]} + {terms[1]})"]
        logger.debug("running %s in %s", command, run_dir)
        with open(output_path, "a") as handle:
            completed = subprocess.run(
                command, stdout=handle, stderr=subprocess.PIPE, text=True, check=False
            )
        if completed.returncode != 0:
            raise RuntimeError(
                f"the child process exited with code {completed.returncode}: "
                f"{completed.stderr.strip()}"
            )
        with open(output_path) as handle:
            text = handle.read().strip()
        try:
            output = float(text)
        except ValueError:
            raise RuntimeError(f"{output_path} does not hold a single number: {text!r}") from None
        time.sleep(self.get_sleep_sec())
        if self.fail_prob != 0:
            self._fail_on_purpose()
        return {"output": output, "success": True}

    def _fail_on_purpose(self) -> None:
        """Raise with probability `fail_prob`, after checking it is a probability."""
        fail_prob = self.fail_prob
        if not isinstance(fail_prob, numbers.Real) or not 0 <= fail_prob <= 1:
            raise ValueError(f"fail_prob must be a number in [0, 1], got {fail_prob!r}")
        if np.random.random() < fail_prob:
            raise RuntimeError(f"the run failed on purpose: fail_prob={fail_prob}")


def _to_float(value: Any) -> float:
    """A parameter value as a float, or a TypeError that names it."""
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(f"parameter value {value!r} cannot be converted to float") from None
