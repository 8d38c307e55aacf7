"""Every runnable shell and Python block of README.md and docs/*.md runs, so a doc cannot
drift from the code.

A document's blocks run in order, as one bash script in a scratch folder that holds a
copy of examples/ (a `cd` carries over, as for a reader typing them). Python blocks run
with the same interpreter. An HTML comment on the line before a fence steers a block:

* `<!-- docs-test: skip (why) -->`: not run (needs a cluster, installs packages, shows a
  fragment or a placeholder path);
* `<!-- docs-test: file NAME -->`: a YAML block is written to NAME for the blocks after it;
* `<!-- docs-test: fresh -->`: `runs/` is removed first (an alternative way to run the same
  campaign).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
FENCE = re.compile(
    r"(?:^<!-- docs-test: (?P<marker>[^>]*?) -->\n)?^```(?P<lang>\w+)[^\n]*\n(?P<body>.*?)^```",
    re.S | re.M,
)
RUNNABLE = {"bash", "sh", "python"}


def _script(doc: Path) -> str:
    """The document's runnable blocks as one bash script, or '' if it has none."""
    parts: list[str] = []
    for match in FENCE.finditer(doc.read_text()):
        marker, lang, body = match["marker"] or "", match["lang"], match["body"]
        line = doc.read_text()[: match.start("lang")].count("\n") + 1
        if marker.startswith("skip"):
            continue
        if marker.startswith("file "):
            name = marker.split(None, 1)[1]
            parts.append(f"cat > {name} <<'DOCS_TEST_EOF'\n{body}DOCS_TEST_EOF")
            continue
        if lang not in RUNNABLE:
            continue
        prefix = "rm -rf runs\n" if marker == "fresh" else ""
        banner = f"echo '### {doc.name}:{line}' >&2\n"
        if lang == "python":
            parts.append(f"{banner}{prefix}python - <<'DOCS_TEST_EOF'\n{body}DOCS_TEST_EOF")
        else:
            parts.append(f"{banner}{prefix}{body}")
    return "\n".join(parts)


def test_the_markers_are_spelt_right():
    for doc in DOCS:
        for marker in re.findall(r"<!-- docs-test: ([^>]*?) -->", doc.read_text()):
            assert re.fullmatch(r"skip \(.+\)|file \S+|fresh", marker), f"{doc.name}: {marker}"


@pytest.mark.parametrize("doc", [d for d in DOCS if _script(d)], ids=lambda d: d.name)
def test_every_runnable_block_of_the_doc_runs(doc, tmp_path):
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    bin_dir = os.path.dirname(sys.executable)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    if shutil.which("enchanted", path=env["PATH"]) is None:
        pytest.skip("the `enchanted` console script is not installed (pip install .)")
    # `python` in the blocks is this interpreter
    (tmp_path / "bin").mkdir()
    wrapper = tmp_path / "bin" / "python"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    wrapper.chmod(0o755)
    env["PATH"] = f"{tmp_path / 'bin'}{os.pathsep}{env['PATH']}"
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", _script(doc)],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"{doc.name}:\n{done.stderr[-3000:]}"
