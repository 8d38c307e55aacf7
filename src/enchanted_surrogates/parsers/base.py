"""The parser contract: turn params into a code's input files, and its output files into a row."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel


class Parser:
    """Translates between a point of the campaign and the files of one simulation code.

    Subclass it when a code's formats are easier to handle in Python than to describe in a
    config; a runner calls `write_input_file` before the code runs and `read_output` (or the
    original's `read_output_file`) after.
    Built-in parsers declare their keys in a pydantic `Config` model, as samplers do.
    """

    Config: ClassVar[type[BaseModel] | None] = None

    def write_input_file(self, params: dict, run_dir: str) -> None:
        """Write the input file(s) the code needs for `params` into `run_dir`."""
        raise NotImplementedError(f"{type(self).__name__} does not write input files")

    def read_output(self, run_dir: str) -> dict:
        """The outputs of the finished run in `run_dir`, as a dict of plain scalars.

        A parser written for the original defines `read_output_file(run_dir)` instead;
        that method is used when present.
        """
        original = getattr(self, "read_output_file", None)
        if callable(original):
            return original(run_dir=run_dir)
        raise NotImplementedError(f"{type(self).__name__} does not read outputs")
