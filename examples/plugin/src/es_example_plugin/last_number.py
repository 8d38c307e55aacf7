"""A parser in its own package: reads the last number a code printed to a file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from enchanted_surrogates.parsers.base import Parser

NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


class LastNumberParser(Parser):
    """`{type: last_number, file: out.txt, name: energy}` -> {"energy": <last number>}."""

    def __init__(self, file: str, name: str = "value") -> None:
        self.file = file
        self.name = name

    def read_output(self, run_dir: str) -> dict[str, Any]:
        numbers = NUMBER.findall(Path(run_dir, self.file).read_text())
        if not numbers:
            raise ValueError(f"{self.file}: no number in it")
        return {self.name: float(numbers[-1])}
