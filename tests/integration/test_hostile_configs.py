"""Configs that would escape a run directory or run a value as code: one line, exit 2,
nothing written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from campaign_configs import basic_config

pytestmark = pytest.mark.integration

NAMELIST = {"type": "namelist", "group": "g", "keys": ["x", "y"]}


def _command(**runner) -> dict:
    return {"type": "CommandRunner", "command": ["true"], **runner}


CASES = {
    "namelist-input-dotdot": (
        _command(inputs=[{**NAMELIST, "file": "../../x.nml"}]),
        "runners.r1.inputs[0].namelist.file",
    ),
    "namelist-input-absolute": (
        _command(inputs=[{**NAMELIST, "file": "/tmp/x.nml"}]),
        "runners.r1.inputs[0].namelist.file",
    ),
    "json-output-dotdot": (
        _command(outputs=[{"type": "json", "file": "../other/out.json"}]),
        "runners.r1.outputs[0]",
    ),
    "csv-output-absolute": (
        _command(outputs=[{"type": "csv", "file": "/etc/passwd"}]),
        "runners.r1.outputs[0]",
    ),
    "regex-file-dotdot": (
        _command(
            outputs=[{"type": "regex", "pattern": "a", "source": "file", "file": "a/../../b"}]
        ),
        "runners.r1.outputs[0]",
    ),
    "quoted-placeholder": (
        {"type": "CommandRunner", "shell": True, "command": "echo '{x}' > out"},
        "runners.r1.command",
    ),
    "double-quoted-placeholder": (
        {"type": "CommandRunner", "shell": True, "command": 'echo "{x}" > out'},
        "runners.r1.command",
    ),
}


def _validate(config: dict, tmp_path: Path, command: str) -> subprocess.CompletedProcess:
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return subprocess.run(
        [sys.executable, "-m", "enchanted_surrogates", command, str(path)],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("command", ["validate", "run"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_refused_with_one_line_naming_the_key(tmp_path, case, command):
    runner, key = CASES[case]
    result = _validate(basic_config(tmp_path / "camp", runner), tmp_path, command)
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert key in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.yaml"]


def test_a_parameter_name_with_a_slash_is_refused(tmp_path):
    sampler = {
        "type": "RandomSampler",
        "parameters": ["a/b", "y"],
        "bounds": [[0.0, 1.0], [0.0, 1.0]],
        "budget": 2,
    }
    config = basic_config(tmp_path / "camp", _command(), sampler)
    result = _validate(config, tmp_path, "validate")
    assert result.returncode == 2
    assert "samplers.s1" in result.stderr and "'a/b'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_rebuild_fails_when_a_dataset_file_cannot_be_written(tmp_path, enchanted):
    config = basic_config(tmp_path / "camp", {"type": "SyntheticDoubleGaussianRunner"})
    config["storage"] = {"type": "hdf5"}
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    assert enchanted("run", path, cwd=tmp_path).returncode == 0
    runs = tmp_path / "camp" / "runs.h5"
    runs.unlink()
    (runs / "blocker").mkdir(parents=True)  # a directory where the file must go
    result = enchanted("rebuild", tmp_path / "camp", cwd=tmp_path)
    assert result.returncode == 1
    assert "rebuilt" not in result.stdout
    assert "runs.h5" in result.stderr


DUPLICATES = """\
executors: {e1: {type: LocalExecutor, max_workers: 1}}
samplers:
  s1: {type: RandomSampler, parameters: [x], bounds: [[0, 1]], budget: 8}
  s1: {type: RandomSampler, parameters: [x], bounds: [[0, 1]], budget: 16}
runners: {r1: {type: SyntheticDoubleGaussianRunner}}
supervisor:
  base_run_dir: camp
  base_run_dir: camp2
  run_order: [{executor: e1, sampler: s1, runner: r1}]
"""


@pytest.mark.parametrize("command", ["validate", "run"])
def test_a_key_written_twice_is_refused_naming_both_lines(tmp_path, enchanted, command):
    path = tmp_path / "c.yaml"
    path.write_text(DUPLICATES)
    result = enchanted(command, path, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"{path}:4: samplers.s1: written twice (lines 3 and 4); keep one",
        f"{path}:8: supervisor.base_run_dir: written twice (lines 7 and 8); keep one",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.yaml"]


@pytest.mark.parametrize("bound", [".inf", "-.inf", ".nan"])
def test_non_finite_bounds_are_refused(tmp_path, enchanted, bound):
    path = tmp_path / "c.yaml"
    path.write_text(DUPLICATES.replace("[[0, 1]], budget: 16", f"[[0, {bound}]], budget: 16"))
    path.write_text(
        "\n".join(line for i, line in enumerate(path.read_text().splitlines()) if i not in (2, 6))
        + "\n"
    )
    result = enchanted("validate", path, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "samplers.s1.bounds" in lines[0] and "must be finite" in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.yaml"]
