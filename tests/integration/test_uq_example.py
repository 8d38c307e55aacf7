"""examples/uq_ishigami.yaml runs as shipped and `enchanted analyse` finds the exact
Ishigami indices in it (the example docs/uq.md points to)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from enchanted_surrogates.runners.analytic_functions import ishigami_indices

pytestmark = [pytest.mark.integration, pytest.mark.slow]

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_the_uq_example_runs_and_analyses_to_the_exact_indices(tmp_path, enchanted):
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    done = enchanted("run", "examples/uq_ishigami.yaml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    base = tmp_path / "runs" / "uq_ishigami"
    assert len(pd.read_csv(base / "enchanted_dataset.csv")) == 256
    done = enchanted("analyse", "runs/uq_ishigami", cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    report = json.loads((base / "analysis" / "report.json").read_text())
    # only the function's output: the framework's cpu_sec_/max_rss_mb_ columns are not outputs
    assert [result["output"] for result in report["results"]] == ["output"]
    (estimate,) = report["results"][0]["estimates"]
    assert estimate["method"] == "pce" and estimate["runs_used"] == 256
    for parameter, exact in ishigami_indices().items():
        for key in ("S1", "ST"):
            assert estimate["indices"][parameter][key] == pytest.approx(exact[key], abs=0.02)
    assert (base / "analysis" / "indices_output.png").stat().st_size > 0
    assert set(pd.read_csv(base / "analysis" / "indices.csv")["parameter"]) == {"x1", "x2", "x3"}
