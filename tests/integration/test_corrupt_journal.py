"""A corrupt line anywhere in journal.jsonl is set aside; status, rebuild and resume go on."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from campaign_configs import basic_config, write_config

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    "bad",
    ["garbage {{{", json.dumps({"event": "finished", "level": 0, "final": True})],
    ids=["not-json", "keys-missing"],
)
def test_status_rebuild_and_resume_skip_a_bad_line(tmp_path, enchanted, bad):
    base = tmp_path / "camp"
    config = basic_config(base, {"type": "SyntheticDoubleGaussianRunner"})
    path = write_config(tmp_path / "c.yaml", config)
    assert enchanted("run", path, cwd=tmp_path).returncode == 0
    journal = base / "journal.jsonl"
    lines = journal.read_text().splitlines(keepends=True)
    lines.insert(3, bad + "\n")
    journal.write_text("".join(lines))
    for args in (("status", base), ("rebuild", base), ("run", path, "--resume")):
        done = enchanted(*args, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        assert "skipped 1 unusable line(s) (line 4" in done.stderr
    assert (base / "journal.jsonl.quarantine").read_text().startswith("4\t")
    df = pd.read_csv(base / "enchanted_dataset.csv")
    assert len(df) == 8 and (df["status"] == "SUCCESS").all()
