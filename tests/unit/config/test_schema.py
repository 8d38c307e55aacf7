"""`enchanted schema`: a JSON Schema every example passes and a misspelling fails, and a
config reference that cannot drift from the models."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from enchanted_surrogates.config.reference import reference_markdown
from enchanted_surrogates.config.schema import campaign_schema

REPO = Path(__file__).resolve().parents[3]
# the plugin example needs its package installed: test_plugins.py checks it that way
EXAMPLES = sorted(
    path
    for path in (REPO / "examples").rglob("*.yaml")
    if "supervisor" in (yaml.safe_load(path.read_text()) or {}) and "plugin" not in path.parts
)


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(
        subprocess.run(
            [sys.executable, "-m", "enchanted_surrogates", "schema"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_there_are_examples_to_check():
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_example_config_passes_the_schema(validator, path):
    errors = list(validator.iter_errors(yaml.safe_load(path.read_text())))
    assert errors == [], [e.message for e in errors]


def test_misspelt_keys_and_types_fail_the_schema(validator):
    config = yaml.safe_load((REPO / "examples" / "quickstart.yaml").read_text())
    for section, entry, key, value in [
        ("samplers", "sobol", "budjet", 64),
        ("supervisor", None, "run_ordr", []),
        ("runners", "double_gaussian", "type", "SyntheticDoubleGausianRunner"),
        ("executors", "local", "max_worker", 2),
    ]:
        broken = copy.deepcopy(config)
        target = broken[section] if entry is None else broken[section][entry]
        target[key] = value
        assert not validator.is_valid(broken), (section, key)


def test_runner_framework_keys_and_original_spellings_pass(validator):
    config = yaml.safe_load((REPO / "examples" / "quickstart.yaml").read_text())
    config["runners"]["double_gaussian"].update(timeout=10, retries=1, retry_on=["CRASHED"])
    config["runners"]["double_gaussian"]["type"] = "synthetic_double_gaussian_runner"
    config["storage"] = {"type": "None"}
    config["logging"] = "info"
    assert validator.is_valid(config), [e.message for e in validator.iter_errors(config)]


def test_the_original_singular_layout_passes_and_its_misspellings_fail(validator):
    legacy = {
        "executor": {"type": "LocalExecutor", "max_workers": 1, "base_run_dir": "runs/old"},
        "sampler": {"type": "RandomSampler", "parameters": ["x"], "bounds": [[0, 1]], "budget": 3},
        "runner": {"type": "SumRunner", "params_to_sum": ["x"]},
        "log_level": "INFO",
    }
    assert validator.is_valid(legacy), [e.message for e in validator.iter_errors(legacy)]
    legacy["runner"]["params_to_summ"] = ["x"]
    assert not validator.is_valid(legacy)


def test_the_config_reference_in_docs_is_generated_from_the_models():
    written = (REPO / "docs" / "config-reference.md").read_text()
    assert written == reference_markdown(), (
        "docs/config-reference.md is stale: run `enchanted schema --markdown "
        "-o docs/config-reference.md`"
    )
    schema = campaign_schema()
    for name in ("SobolSequenceSampler", "CommandRunner", "LocalExecutor"):
        assert f"### `{name}`" in written
    assert "save_files_list" in written and set(schema["anyOf"][0]["properties"]) >= {"supervisor"}
