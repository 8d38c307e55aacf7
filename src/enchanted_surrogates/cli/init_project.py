"""`enchanted init`: a commented starter config (and, for a command, its input template
and a stand-in program) written into the current folder."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

# template name -> (its config file, the extra files it needs)
TEMPLATES: dict[str, tuple[str, tuple[str, ...]]] = {
    "local": ("local.yaml", ()),
    "nested": ("nested.yaml", ()),
    "command": ("command.yaml", ("input.nml.j2", "my_code.py")),
    "dask": ("dask.yaml", ()),
    "slurm": ("slurm.yaml", ()),
    "active": ("active.yaml", ()),
}


class InitRefused(Exception):
    """A file it would write exists already; nothing was written."""


def init_project(template: str, folder: Path, config_name: str, force: bool) -> list[Path]:
    """Write the template's files into `folder`; refuse to overwrite unless `force`."""
    config_file, extras = TEMPLATES[template]
    source = files("enchanted_surrogates") / "templates"
    targets = [(config_file, folder / config_name), *((name, folder / name) for name in extras)]
    existing = [str(target) for _, target in targets if target.exists()]
    if existing and not force:
        raise InitRefused(f"{', '.join(existing)} exists already; pass --force to overwrite")
    for name, target in targets:
        target.write_text((source / name).read_text())
    return [target for _, target in targets]
