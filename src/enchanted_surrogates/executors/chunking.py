"""How many tasks to hand a worker at once: one, unless runs are so short that the
per-task round trip through the pool would dominate.

Bundling is decided from measured run times, so long simulations are never serialised
behind each other on one worker while others idle.
"""

from __future__ import annotations


class ChunkPolicy:
    def __init__(self, target_sec: float = 0.02, short_sec: float = 0.005, max_chunk: int = 64):
        self.target_sec = target_sec
        self.short_sec = short_sec
        self.max_chunk = max_chunk
        self.mean_runtime: float | None = None

    def observe(self, runtime_sec: float) -> None:
        """Fold one finished run's time into a moving average (recent runs weigh more)."""
        if self.mean_runtime is None:
            self.mean_runtime = runtime_sec
        else:
            self.mean_runtime = 0.9 * self.mean_runtime + 0.1 * runtime_sec

    def size(self) -> int:
        """1 until runs are known to be short; then enough for ~target_sec per chunk."""
        mean = self.mean_runtime
        if mean is None or mean >= self.short_sec:
            return 1
        return max(1, min(self.max_chunk, int(self.target_sec / max(mean, 1e-6))))
