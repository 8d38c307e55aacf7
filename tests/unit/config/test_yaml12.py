"""YAML as scientists write it: exponents without a sign are numbers; `{T}` must be quoted."""

from __future__ import annotations

import math

import pytest

from enchanted_surrogates.config import yaml12
from enchanted_surrogates.parsers.mapping_file import YamlParser
from enchanted_surrogates.runners.command_runner import CommandRunner


@pytest.mark.parametrize(
    ("text", "value"),
    [("2.0e5", 2.0e5), ("1.0e3", 1000.0), ("1e3", 1000.0), ("-.5", -0.5), ("1.0e+3", 1000.0)],
)
def test_yaml_1_2_floats_are_numbers(text, value):
    assert yaml12.load(f"v: {text}") == {"v": value}


def test_other_scalars_stay_as_pyyaml_reads_them():
    data = yaml12.load("a: 3\nb: '1e3'\nc: 12e\nd: .inf\ne: true\nf: 0x10")
    assert data == {"a": 3, "b": "1e3", "c": "12e", "d": math.inf, "e": True, "f": 16}
    assert type(data["a"]) is int


def test_a_yaml_output_file_reads_1e3_as_a_number(tmp_path):
    (tmp_path / "out.yaml").write_text("energy: 1e3\n")
    assert YamlParser(file="out.yaml").read_output(str(tmp_path)) == {"energy": 1000.0}


def _write(tmp_path, text: str):
    path = tmp_path / "c.yaml"
    path.write_text(text)
    return path


CAMPAIGN = """\
executors: {{e: {{type: LocalExecutor, max_workers: 1}}}}
samplers:
  s: {{type: ArraySampler, parameters: [t], values: [[2.0e5, 1.0e3]]}}
runners:
  r:
    type: CommandRunner
    command: {command}
    outputs: [{{type: regex, pattern: 'got (?P<got>\\S+)'}}]
supervisor: {{base_run_dir: runs, run_order: [{{executor: e, sampler: s, runner: r}}]}}
"""


@pytest.mark.integration
def test_sampled_exponents_run_as_numbers(tmp_path, enchanted):
    config = _write(tmp_path, CAMPAIGN.format(command="[python3, -c, 'print(\"got\", {t} * 2)']"))
    done = enchanted("run", config, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "runs" / "enchanted_dataset.csv").read_text()
    assert "400000.0" in text and "2000.0" in text and "FAILED" not in text


@pytest.mark.integration
def test_an_unquoted_placeholder_says_quote_it(tmp_path, enchanted):
    config = _write(tmp_path, CAMPAIGN.format(command="[echo, {t}]"))
    done = enchanted("validate", config, cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"{config}:7: runners.r.command: [1]: {{t}} was read by YAML as a mapping; "
        "quote it: '{t}'"
    ]
    assert not (tmp_path / "runs").exists()


def test_an_unquoted_placeholder_in_env_says_quote_it():
    with pytest.raises(ValueError, match="quote it: '\\{t\\}'"):
        CommandRunner(command=["true"], env={"T": {"t": None}})
