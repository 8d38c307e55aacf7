"""`enchanted init`: every template gives a config that validates, passes the schema and
runs (the ones that need no cluster), and existing files are never overwritten silently."""

from __future__ import annotations

import json

import jsonschema
import pandas as pd
import pytest
import yaml

from enchanted_surrogates.cli.init_project import TEMPLATES

pytestmark = pytest.mark.integration

# slurm is validated here; test_slurm.py runs campaigns on a real SLURM cluster
RUNS_HERE = {"local", "nested", "command", "dask", "active"}


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_each_template_validates_and_the_local_ones_run(template, tmp_path, enchanted):
    done = enchanted("init", "--template", template, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    config = yaml.safe_load((tmp_path / "campaign.yaml").read_text())
    schema = json.loads(enchanted("schema", cwd=tmp_path).stdout)
    assert jsonschema.Draft202012Validator(schema).is_valid(config)
    done = enchanted("validate", "campaign.yaml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    if template in RUNS_HERE:
        done = enchanted("run", "campaign.yaml", cwd=tmp_path, timeout=300)
        assert done.returncode == 0, done.stderr
        base = tmp_path / config["supervisor"]["base_run_dir"]
        rows = pd.read_csv(base / "enchanted_dataset.csv")
        assert len(rows) > 0 and rows["success"].all()
        if template == "active":  # the model-quality history is plotted
            done = enchanted("plot", base, cwd=tmp_path, timeout=300)
            assert done.returncode == 0, done.stderr
            assert (base / "plots" / "model_quality.png").stat().st_size > 10_000


def test_init_never_overwrites_without_force(tmp_path, enchanted):
    (tmp_path / "input.nml.j2").write_text("mine")
    done = enchanted("init", "--template", "command", cwd=tmp_path)
    assert done.returncode == 2 and "input.nml.j2" in done.stderr
    assert (tmp_path / "input.nml.j2").read_text() == "mine"
    assert not (tmp_path / "campaign.yaml").exists()
    done = enchanted("init", "--template", "command", "--force", "-o", "c.yaml", cwd=tmp_path)
    assert done.returncode == 0
    assert (tmp_path / "input.nml.j2").read_text() != "mine" and (tmp_path / "c.yaml").exists()
