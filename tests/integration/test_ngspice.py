"""A real third-party code, ngspice, through the shipped example: physics, errors, timeout."""

from __future__ import annotations

import math
import re
import shutil

import pandas as pd
import pytest
import yaml

from conftest import REPO

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        shutil.which("ngspice") is None,
        reason="ngspice is not installed (.ci/run installs it where it runs as root with apt)",
    ),
]
EXAMPLE = "examples/ngspice"


@pytest.fixture
def example(tmp_path):
    shutil.copytree(REPO / EXAMPLE, tmp_path / EXAMPLE)
    return tmp_path


def _variant(root, edit) -> str:
    """A config whose runner renders an edited copy of the shipped netlist template."""
    template = root / EXAMPLE / "rc_lowpass.cir.j2"
    broken = root / "variant.cir.j2"
    broken.write_text(edit(template.read_text()))
    config = yaml.safe_load((root / EXAMPLE / "campaign.yaml").read_text())
    runner = config["runners"]["spice"]
    runner["inputs"] = [{"template": str(broken), "dest": "rc_lowpass.cir"}]
    config["samplers"]["rc"]["budget"] = 1
    return runner, config


def _run(enchanted, root, config) -> pd.DataFrame:
    path = root / "variant.yaml"
    path.write_text(yaml.safe_dump(config))
    done = enchanted("run", path, cwd=root)
    assert done.returncode in (0, 4), done.stderr  # 4: every run failed, as some variants mean
    return pd.read_csv(root / "runs" / "ngspice" / "enchanted_dataset.csv")


def test_the_example_gives_the_step_response_of_an_rc_filter(example, enchanted):
    done = enchanted("run", f"{EXAMPLE}/campaign.yaml", cwd=example)
    assert done.returncode == 0, done.stderr
    df = pd.read_csv(example / "runs" / "ngspice" / "enchanted_dataset.csv")
    assert len(df) == 8 and (df["status"] == "SUCCESS").all()
    # after five time constants the capacitor holds 1 - e^-5 of the step
    assert ((df["vfinal"] - (1 - math.exp(-5))).abs() < 1e-3).all()
    # the 10 %-90 % rise time of a first-order system is ln(9) R C
    assert ((df["trise"] / (math.log(9) * df["r"] * df["c"]) - 1).abs() < 0.01).all()


def test_a_broken_netlist_is_failed_with_ngspices_own_message(example, enchanted):
    runner, config = _variant(example, lambda t: t.replace("R1 in out {{ r }}", "X1 in out rr"))
    runner["errors"] = [{"source": "stderr", "pattern": "^Error.*"}]
    row = _run(enchanted, example, config).iloc[0]
    assert row["status"] == "FAILED"
    assert row["error"] == "exit code 1: Error: unknown subckt: x1 in out rr"


def test_without_readers_the_message_is_still_ngspices(example, enchanted):
    _, config = _variant(example, lambda t: t.replace("R1 in out {{ r }}", "X1 in out rr"))
    row = _run(enchanted, example, config).iloc[0]
    assert row["status"] == "FAILED" and "unknown subckt: x1 in out rr" in row["error"]


def test_a_simulation_past_its_timeout_is_killed(example, enchanted):
    # a picosecond step over a whole second: hours of work
    slow = re.compile(r"^\.tran .*$", re.MULTILINE)
    runner, config = _variant(example, lambda t: slow.sub(".tran 1e-12 1 0 1e-12", t))
    runner["timeout"] = 2
    row = _run(enchanted, example, config).iloc[0]
    assert row["status"] == "TIMEOUT"
