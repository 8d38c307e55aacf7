"""A parser with the original's method names: write_input_file, read_output_file."""

import os

from enchanted_surrogates.parsers.base_parser import Parser
from enchanted_surrogates.utils.logger import get_logger

log = get_logger(__name__)

INPUT_FILE = "input.txt"
OUTPUT_FILE = "output.txt"


class StyleParser(Parser):
    """Reads and writes `name = value` lines."""

    def write_input_file(self, params: dict, run_dir: str):
        with open(os.path.join(run_dir, INPUT_FILE), "w") as handle:
            for key, value in params.items():
                handle.write(f"{key} = {value}\n")

    def read_output_file(self, run_dir: str) -> dict:
        values = {}
        with open(os.path.join(run_dir, OUTPUT_FILE)) as handle:
            for line in handle:
                key, _, value = line.partition("=")
                values[key.strip()] = float(value)
        log.info("read %d outputs from %s", len(values), run_dir)
        return values

    def clean_output_files(self, run_dir: str):
        os.remove(os.path.join(run_dir, INPUT_FILE))
