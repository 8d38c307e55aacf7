"""A project folder and a config whose paths are all relative (a template, a copied file,
`base_run_dir: runs`), for the tests of where relative paths start."""

from __future__ import annotations

from pathlib import Path


def project_folder(tmp_path: Path) -> Path:
    """`tmp_path/project` with the template `input.txt.j2` and a file `mesh.dat` to copy."""
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "input.txt.j2").write_text("x={{ x }}\n")
    (folder / "mesh.dat").write_text("mesh\n")
    return folder


def relative_config(runner: dict, paths: str | None) -> dict:
    """Two runs (x = 1, 2) of `runner` into `runs`, with the `paths` rule if given."""
    config = {
        "executors": {"e": {"type": "LocalExecutor", "max_workers": 1}},
        "samplers": {"s": {"type": "ArraySampler", "parameters": ["x"], "values": [[1, 2]]}},
        "runners": {"r": runner},
        "supervisor": {
            "base_run_dir": "runs",
            "run_order": [{"executor": "e", "sampler": "s", "runner": "r"}],
        },
    }
    if paths:
        config["paths"] = paths
    return config
