"""Campaigns shaped like real physics codes: reference namelists, tables, checks."""

from __future__ import annotations

import sys

import f90nml
import pytest
from campaign_configs import basic_config, write_config

import enchanted_surrogates

pytestmark = pytest.mark.integration

REFERENCE = "&box\n    kymin = 0.3  ! ky\n/\n&species\n    omn = 1.0, 2.0\n    omt = 3.0\n/\n"
READ_BACK = (
    "import f90nml; n = f90nml.read('gene.nml');"
    " print('ky', n['box']['kymin'], 'omn2', n['species']['omn'][1])"
)


def test_sampled_names_patch_a_reference_namelist_in_every_run(tmp_path):
    (tmp_path / "gene.nml").write_text(REFERENCE)
    runner = {
        "type": "CommandRunner",
        "command": [sys.executable, "-c", READ_BACK],
        "inputs": [
            {
                "type": "namelist_patch",
                "base": str(tmp_path / "gene.nml"),
                "keys": ["box.kymin", "species.omn(2)"],
            }
        ],
        "outputs": [{"type": "regex", "pattern": r"ky (?P<ky>\S+) omn2 (?P<omn2>\S+)"}],
    }
    sampler = {
        "type": "ArraySampler",
        "parameters": ["box.kymin", "species.omn(2)"],
        "values": [[0.1, 0.2], [5.0, 6.0]],
    }
    df = enchanted_surrogates.run(basic_config(tmp_path / "c", runner, sampler))
    assert (df["status"] == "SUCCESS").all()
    assert len(df) == 4
    assert list(df["ky"]) == list(df["box.kymin"])
    assert list(df["omn2"]) == list(df["species.omn(2)"])
    written = f90nml.read(str(tmp_path / df.iloc[0]["run_dir"] / "gene.nml"))
    assert written["species"]["omt"] == 3.0


def test_a_target_missing_from_the_reference_is_a_config_error(tmp_path, enchanted):
    (tmp_path / "gene.nml").write_text(REFERENCE)
    runner = {
        "type": "CommandRunner",
        "command": ["true"],
        "inputs": [{"type": "namelist_patch", "base": "gene.nml", "keys": ["box.kymn"]}],
    }
    config = write_config(tmp_path / "c.yaml", basic_config(tmp_path / "runs", runner))
    done = enchanted("run", config, cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "runners.r1.inputs[0].namelist_patch" in done.stderr and "has no kymn" in done.stderr
    assert not (tmp_path / "runs").exists()


def _q95_runner(**framework) -> dict:
    code = "import sys; q = float(sys.argv[1]); print('q95', q, 'beta', q / 10)"
    return {
        "type": "CommandRunner",
        "command": [sys.executable, "-c", code, "{q}"],
        "outputs": [{"type": "regex", "pattern": r"q95 (?P<q95>\S+) beta (?P<beta>\S+)"}],
        **framework,
    }


def test_a_result_that_fails_a_sanity_check_is_failed(tmp_path):
    checks = {
        "finite": ["q95"],
        "ranges": {"q95": [1.0, 20.0]},
        "expressions": ["beta < q95 and q < 100"],
    }
    sampler = {"type": "ArraySampler", "parameters": ["q"], "values": [[3.0, 2204.0, "nan"]]}
    df = enchanted_surrogates.run(basic_config(tmp_path / "c", _q95_runner(checks=checks), sampler))
    by_q = {str(row["q"]): row for _, row in df.iterrows()}
    assert by_q["3.0"]["status"] == "SUCCESS"
    assert by_q["2204.0"]["status"] == "FAILED"
    assert by_q["2204.0"]["error"] == "check range: q95 = 2204.0 is outside [1.0, 20.0]"
    assert by_q["2204.0"]["q95"] == 2204.0  # the rejected value stays visible
    assert by_q["nan"]["error"] == "check finite: q95 = nan"


def test_a_false_expression_names_itself(tmp_path):
    sampler = {"type": "ArraySampler", "parameters": ["q"], "values": [[5.0]]}
    runner = _q95_runner(checks={"expressions": ["beta > q95"]})
    row = enchanted_surrogates.run(basic_config(tmp_path / "c", runner, sampler)).iloc[0]
    assert row["status"] == "FAILED" and row["error"] == "check 'beta > q95' is false"


def test_a_check_that_does_not_parse_is_a_config_error(tmp_path, enchanted):
    runner = _q95_runner(checks={"expressions": ["q95 <"]})
    config = write_config(tmp_path / "c.yaml", basic_config(tmp_path / "runs", runner))
    done = enchanted("validate", config, cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "runners.r1.checks.expressions" in done.stderr and "'q95 <'" in done.stderr


def test_a_function_runs_in_its_own_run_dir_and_its_prints_are_kept(tmp_path):
    runner = {"type": "FunctionRunner", "function": "es_physics_functions:equilibrium"}
    sampler = {"type": "ArraySampler", "parameters": ["q"], "values": [[2.0, 3.0]]}
    df = enchanted_surrogates.run(basic_config(tmp_path / "c", runner, sampler, save_files="all"))
    assert (df["status"] == "SUCCESS").all() and df["cwd_is_run_dir"].all()
    for _, row in df.iterrows():
        run_dir = tmp_path / row["run_dir"]
        assert (run_dir / "eqdsk.txt").read_text() == f"q={row['q']}\n"
        assert (run_dir / "stdout.txt").read_text() == f"converged at q={row['q']}\n"


def test_a_child_command_reaches_its_parents_files(tmp_path):
    writer = {
        "type": "CommandRunner",
        "command": ["sh", "-c", "echo $0 > profile.dat", "{x}"],
    }
    reader = {
        "type": "CommandRunner",
        "command": ["sh", "-c", 'echo "parent $(cat "$0")"', "{parent_run_dir}/profile.dat"],
        "outputs": [{"type": "regex", "pattern": r"parent (?P<from_parent>\S+)"}],
    }
    config = basic_config(tmp_path / "c", writer, save_files="all")
    config["runners"] = {"writer": writer, "reader": reader}
    config["samplers"]["s2"] = {"type": "ArraySampler", "parameters": ["y"], "values": [[1, 2]]}
    config["supervisor"]["run_order"] = [
        {"sampler": "s1", "executor": "e1", "runner": "writer"},
        {"sampler": "s2", "executor": "e1", "runner": "reader"},
    ]
    df = enchanted_surrogates.run(config)
    children = df[df["level"] == 1]
    assert len(children) == 16 and (children["status"] == "SUCCESS").all()
    assert (children["from_parent"] == children["x"]).all()
    parents = df[df["level"] == 0].set_index("run_dir")["x"]
    assert (children["parent_run_dir"].map(parents) == children["x"]).all()
