"""The `enchanted` command and what only it shows: status views, plots, init, analyse."""

from enchanted_surrogates.cli.main import main

__all__ = ["main"]
