"""The work both sides of bench/heterogeneous.py run: sleep a given time."""

from __future__ import annotations

import time


def nap(sleep: float) -> float:
    """Sleep `sleep` seconds, an external code of known length; returns it as the output."""
    time.sleep(sleep)
    return sleep
