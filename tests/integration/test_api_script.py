"""The README's API snippet as users write it: a plain script with no main guard."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from campaign_configs import basic_config

import enchanted_surrogates
from enchanted_surrogates import CampaignAborted

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
SCRIPT = """\
import enchanted_surrogates as es
print("TOP-LEVEL")
df = es.run("quickstart.yaml")
print("STATUSES", sorted(set(df["status"])), len(df))
"""


def _campaign_dir(tmp_path: Path) -> Path:
    shutil.copy(REPO / "examples" / "quickstart.yaml", tmp_path / "quickstart.yaml")
    (tmp_path / "s.py").write_text(SCRIPT)
    return tmp_path


@pytest.mark.parametrize("how", ["script", "stdin"])
def test_the_api_in_a_plain_script_without_a_guard_runs_every_point(tmp_path, cli_env, how):
    cwd = _campaign_dir(tmp_path)
    args = [sys.executable, "s.py"] if how == "script" else [sys.executable, "-"]
    done = subprocess.run(
        args,
        cwd=cwd,
        env=cli_env,
        input=SCRIPT if how == "stdin" else None,
        stdin=None if how == "stdin" else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.count("TOP-LEVEL") == 1  # the workers did not re-run the script
    assert "STATUSES ['SUCCESS'] 64" in done.stdout


def test_a_pool_whose_workers_die_on_start_up_raises_instead_of_returning_crashed_rows(
    tmp_path,
):
    config = basic_config(tmp_path / "c", {"type": "es_worker_killer:DoomedRunner"})
    with pytest.raises(CampaignAborted, match="before any run started"):
        enchanted_surrogates.run(config)
    assert (tmp_path / "c" / "journal.jsonl").exists()
