"""Patching a multi-group reference namelist: only the sampled entries change."""

from __future__ import annotations

import sys
import textwrap

import f90nml
import pytest
from pydantic import ValidationError

from enchanted_surrogates.parsers.namelist_patch import NamelistPatchParser
from enchanted_surrogates.runners.command_runner import CommandRunner
from enchanted_surrogates.runs.errors import RunError

REFERENCE = """\
! a GENE-like reference input, tested by hand
&parallelization
    n_procs_s = 1   ! one process per species
/
&box
    n_spec = 2
    kymin = 0.3     ! lowest binormal wavenumber
    lx = 125.0
/
&species
    name = 'ions'
    omn = 1.0, 2.0, 3.0
    omt = 4.0
/
&geometry
    q0 = 1.4
    shat = 0.8
/
"""


@pytest.fixture
def base(tmp_path):
    path = tmp_path / "parameters"
    path.write_text(REFERENCE)
    return str(path)


def _as_dict(namelist: f90nml.Namelist) -> dict:
    return {group: dict(entries) for group, entries in namelist.items()}


def test_only_the_sampled_entries_change(tmp_path, base):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    parser = NamelistPatchParser(
        base=base, keys=["box.kymin", "species.omn(2)"], set={"geometry.q0": "q"}
    )
    parser.write_input_file({"box.kymin": 0.55, "species.omn(2)": 7.5, "q": 2.0}, str(run_dir))
    written = run_dir / "parameters"
    expected = _as_dict(f90nml.read(base))
    expected["box"]["kymin"] = 0.55
    expected["species"]["omn"] = [1.0, 7.5, 3.0]
    expected["geometry"]["q0"] = 2.0
    assert _as_dict(f90nml.read(str(written))) == expected
    text = written.read_text()
    assert "! a GENE-like reference input" in text and "! one process per species" in text
    assert "! lowest binormal wavenumber" in text


def test_two_elements_of_one_array_are_both_set(tmp_path, base):
    parser = NamelistPatchParser(base=base, keys=["species.omn(1)", "species.omn(3)"], file="p")
    parser.write_input_file({"species.omn(1)": -1, "species.omn(3)": -3}, str(tmp_path))
    assert f90nml.read(str(tmp_path / "p"))["species"]["omn"] == [-1, 2.0, -3]


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        (["kymin"], "write group.key or group.key\\(i\\)"),
        (["boxx.kymin"], "has no group &boxx"),
        (["box.kymn"], "&box of .* has no kymn"),
        ([], "name at least one entry"),
    ],
)
def test_a_target_that_the_base_lacks_is_a_config_error(base, keys, message):
    with pytest.raises(ValidationError, match=message):
        NamelistPatchParser(base=base, keys=keys)


def test_an_element_past_the_array_fails_the_run(tmp_path, base):
    parser = NamelistPatchParser(base=base, keys=["species.omn(4)"])
    with pytest.raises(RunError, match=r"indices 1\.\.3"):
        parser.write_input_file({"species.omn(4)": 1.0}, str(tmp_path))


def test_the_code_reads_the_patched_file(tmp_path, base):
    code = "import f90nml; n = f90nml.read('parameters'); print('q0=', n['geometry']['q0'])"
    runner = CommandRunner(
        command=[sys.executable, "-c", code],
        inputs=[{"type": "namelist_patch", "base": base, "set": {"geometry.q0": "q"}}],
        outputs=[{"type": "regex", "pattern": r"q0= (?P<q0>\S+)"}],
    )
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    assert runner.single_code_run(str(run_dir), {"q": 3.25}) == {"success": True, "q0": 3.25}


def test_two_inputs_writing_one_file_are_refused(tmp_path, base):
    template = tmp_path / "parameters.j2"
    template.write_text(textwrap.dedent("&box\n kymin = {{ k }}\n/\n"))
    inputs = [
        {"template": str(template)},
        {"type": "namelist_patch", "base": base, "keys": ["box.kymin"]},
    ]
    with pytest.raises(ValidationError, match=r"more than one entry writes \['parameters'\]"):
        CommandRunner(command=["true"], inputs=inputs)
    with pytest.raises(ValidationError, match="more than one entry writes"):
        CommandRunner(
            command=["true"],
            inputs=[{"type": "namelist", "file": "a.nml"}, {"type": "namelist", "file": "a.nml"}],
        )
