"""`runs.h5` is written unless `storage: {type: None}`, as the original decided.

PyTables and h5py are core dependencies, so only a trimmed environment lacks them; there a
config that never asked for `runs.h5` still runs, without it, after one warning line,
instead of being refused for a file it did not name.
"""

from __future__ import annotations

import importlib.util
from typing import Any

HDF5_MODULES = ("tables", "h5py")  # the pandas table, and the original's groups
INSTALL_HINT = "pip install 'enchanted-surrogates[hdf5]'"


def missing_hdf5_modules() -> list[str]:
    """The HDF5 libraries `runs.h5` needs that this environment cannot import."""
    return [name for name in HDF5_MODULES if importlib.util.find_spec(name) is None]


def skip_default_runs_h5(data: dict[str, Any], notes: list[str]) -> None:
    """Without a `storage` section and without the libraries, turn `runs.h5` off in
    `data` and say so in `notes`; an explicit `storage` section is left to validation."""
    if "storage" in data:
        return
    missing = missing_hdf5_modules()
    if missing:
        data["storage"] = {"type": "none"}
        notes.append(
            f"runs.h5 is not written: it needs {' and '.join(missing)} ({INSTALL_HINT}); "
            "set 'storage: {type: None}' to turn it off without this warning"
        )
