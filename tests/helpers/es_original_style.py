"""Runners and a parser written the way plugins of the original are (for in-process tests)."""

from __future__ import annotations

from enchanted_surrogates.parsers.base_parser import Parser
from enchanted_surrogates.runners.base_runner import Runner


class KwargsRunner(Runner):
    """Takes its settings through **kwargs and keeps a run counter in self, as older
    plugins of the original do."""

    def __init__(self, *args, **kwargs):
        self.other_params = kwargs.get("other_params")
        self.runs = 0

    def single_code_run(self, params: dict, run_dir: str):
        self.runs += 1
        return {"success": True, "sum": params["x"] + params["y"], "runs": self.runs}


class ReusableKwargsRunner(KwargsRunner):
    """The same runner, declaring that one instance may serve many runs."""

    reusable = True


class FileReadingParser(Parser):
    """Has only the original's method names."""

    def write_input_file(self, params: dict, run_dir: str):
        return None

    def read_output_file(self, run_dir: str) -> dict:
        return {"read_from": run_dir}
