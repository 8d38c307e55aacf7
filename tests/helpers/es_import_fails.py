"""A runner module whose import fails in worker processes (a dependency missing on the
compute nodes) but works where the config is validated (the test process)."""

from __future__ import annotations

import multiprocessing

from enchanted_surrogates.runners.base_runner import Runner

if multiprocessing.parent_process() is not None:
    raise ImportError("libsimulation.so: cannot open shared object file (on the worker only)")


class UnimportableOnWorkers(Runner):
    def single_code_run(self, run_dir: str, params: dict | None = None) -> dict:
        return {"success": True}
