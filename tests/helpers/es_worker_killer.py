"""A runner module that kills any worker process importing it (parents are spared)."""

from __future__ import annotations

import multiprocessing
import os

from enchanted_surrogates.runners.base_runner import Runner

if multiprocessing.parent_process() is not None:
    os._exit(7)


class DoomedRunner(Runner):
    def single_code_run(self, run_dir: str, params: dict | None = None) -> dict:
        return {"success": True}
