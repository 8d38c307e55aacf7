"""The package tree shows the architecture: roles in folders, no loose modules, short files."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "src" / "enchanted_surrogates"
ROOT_MODULES = {"__init__.py", "__main__.py", "api.py"}
MAX_LINES = 400  # a module longer than this holds more than one idea; split it


def test_the_package_root_holds_only_the_entry_points() -> None:
    loose = sorted(p.name for p in PACKAGE.glob("*.py") if p.name not in ROOT_MODULES)
    assert loose == [], f"put these modules into the folder of their role: {loose}"


def test_every_folder_is_described_in_the_concepts_doc() -> None:
    doc = (REPO / "docs" / "concepts.md").read_text()
    folders = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())
    missing = [name for name in folders if f"`{name}/`" not in doc]
    assert missing == [], f"docs/concepts.md 'Where the code lives' lacks {missing}"


def test_no_module_is_too_long_to_read() -> None:
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}, f"split these modules along their ideas: {long}"
