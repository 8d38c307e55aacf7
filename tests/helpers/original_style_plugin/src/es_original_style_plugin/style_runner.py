"""A runner in the original template's shape: `single_code_run(self, params, run_dir)`,
built from `executable_path` and `other_params`, keeping a per-run counter in `self`."""

import os

from enchanted_surrogates.runners.base_runner import Runner
from enchanted_surrogates.utils.is_package_available import is_package_available
from enchanted_surrogates.utils.logger import get_logger

from .style_parser import OUTPUT_FILE, StyleParser

log = get_logger(__name__)


class StyleRunner(Runner):
    """Computes f = scale * x + y as a stand-in for a simulation code."""

    def __init__(self, executable_path, other_params: dict, *args, **kwargs):
        self.parser = StyleParser()
        self.executable_path = executable_path
        self.scale = other_params["scale"]
        self.runs_on_this_instance = 0

    def single_code_run(self, params: dict, run_dir: str):
        self.runs_on_this_instance += 1
        self.parser.write_input_file(params, run_dir)
        with open(os.path.join(run_dir, OUTPUT_FILE), "w") as handle:
            handle.write(f"f = {self.scale * params['x'] + params['y']}\n")
        outputs = self.parser.read_output_file(run_dir)
        self.parser.clean_output_files(run_dir)
        return {
            "success": True,
            **outputs,
            "runs_on_this_instance": self.runs_on_this_instance,
            "numpy_available": is_package_available("numpy"),
            "executable": os.path.basename(self.executable_path),
        }
