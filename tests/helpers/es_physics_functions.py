"""Python 'codes' for FunctionRunner campaign tests: they write files and print, as solvers do."""

from __future__ import annotations

import os


def equilibrium(q: float, run_dir: str) -> dict:
    """Writes its result next to itself (a relative path) and reports where it ran."""
    with open("eqdsk.txt", "w") as handle:
        handle.write(f"q={q}\n")
    print(f"converged at q={q}")
    return {"q95": q * 1.1, "cwd_is_run_dir": os.getcwd() == run_dir}
