"""`load_spec` on dicts and files: accepted shorthands, legacy layouts, and error reports."""

from __future__ import annotations

import copy
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from campaign_configs import double_gaussian_config

from enchanted_surrogates.config import ConfigError, load_spec
from enchanted_surrogates.runners.synthetic_double_gaussian_runner import (
    SyntheticDoubleGaussianRunner,
)
from enchanted_surrogates.samplers.random import RandomSampler


def base_config(base_run_dir: Path) -> dict[str, Any]:
    """A valid campaign that each case breaks."""
    return double_gaussian_config(base_run_dir)


@pytest.fixture
def cfg(tmp_path: Path) -> dict[str, Any]:
    return base_config(tmp_path / "campaign")


def problems_of(config: Any, **kwargs: Any) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_spec(config, **kwargs)
    return info.value


def test_base_config_loads(cfg: dict, tmp_path: Path) -> None:
    spec = load_spec(cfg)
    (level,) = spec.levels
    assert level.sampler.cls is RandomSampler
    assert level.runners[0].cls is SyntheticDoubleGaussianRunner
    assert [e.name for e in level.executors] == ["local"]
    assert level.mode == "auto"
    assert spec.warnings == ()
    assert spec.source == "<dict>"
    assert not (tmp_path / "campaign").exists()


def test_load_spec_does_not_modify_the_dict(cfg: dict, tmp_path: Path) -> None:
    cfg["runners"]["r1"]["other_params"] = {"a": 1}
    before = copy.deepcopy(cfg)
    load_spec(cfg, base_run_dir=str(tmp_path / "elsewhere"))
    assert cfg == before


# --- deprecated runner keys ---------------------------------------------------------------
@pytest.mark.parametrize("key", ["other_params", "parameter_mode"])
def test_deprecated_runner_key_is_dropped_with_a_warning(cfg: dict, key: str) -> None:
    cfg["runners"]["r1"][key] = {"anything": 1} if key == "other_params" else "all"
    spec = load_spec(cfg)
    runner = spec.levels[0].runners[0]
    assert runner.options == {"dimensions": 2}
    assert isinstance(runner.build(), SyntheticDoubleGaussianRunner)
    (warning,) = spec.warnings
    assert f"runners.r1.{key}" in warning
    assert "deprecated" in warning


def test_both_deprecated_runner_keys_give_one_warning_each(cfg: dict) -> None:
    cfg["runners"]["r1"].update(other_params={}, parameter_mode="all")
    spec = load_spec(cfg)
    assert spec.levels[0].runners[0].options == {"dimensions": 2}
    assert len(spec.warnings) == 2
    assert "other_params" in spec.warnings[0]
    assert "parameter_mode" in spec.warnings[1]


def test_deprecated_key_is_kept_for_a_runner_that_declares_it(
    cfg: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "es_test_params_runner.py").write_text(
        textwrap.dedent(
            """
            from enchanted_surrogates.runners import Runner


            class ParamsRunner(Runner):
                def __init__(self, other_params: dict | None = None) -> None:
                    self.other_params = other_params

                def single_code_run(self, run_dir, params=None):
                    return {"success": True}
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "es_test_params_runner", raising=False)
    cfg["runners"]["r1"] = {"type": "es_test_params_runner:ParamsRunner", "other_params": {"a": 1}}
    spec = load_spec(cfg)
    assert spec.levels[0].runners[0].options == {"other_params": {"a": 1}}
    assert spec.warnings == ()


def test_deprecated_keys_are_only_accepted_on_runners(cfg: dict) -> None:
    cfg["samplers"]["s1"]["other_params"] = {}
    error = problems_of(cfg)
    assert error.lines() == ["<dict>: samplers.s1.other_params: unknown key"]


# --- shorthands and accepted values -------------------------------------------------------
@pytest.mark.parametrize(
    ("logging", "level"),
    [("INFO", "INFO"), ("warning", "WARNING"), ({"level": "debug"}, "DEBUG"), (None, "INFO")],
)
def test_logging_shorthand_and_case(cfg: dict, logging: Any, level: str) -> None:
    if logging is not None:
        cfg["logging"] = logging
    assert load_spec(cfg).config.logging.level == level


def test_logging_level_must_be_known(cfg: dict) -> None:
    cfg["logging"] = "LOUD"
    (line,) = problems_of(cfg).lines()
    assert line.startswith("<dict>: logging.level: ")
    assert "(got 'LOUD')" in line


@pytest.mark.parametrize("value", ["None", "none", None])
def test_storage_none_spellings(cfg: dict, value: Any) -> None:
    cfg["storage"] = {"type": value}
    assert load_spec(cfg).config.storage.type == "none"


def test_runs_h5_is_written_unless_storage_says_none(cfg: dict) -> None:
    spec = load_spec(cfg)
    assert spec.config.storage.type == "hdf5" and spec.warnings == ()
    cfg["storage"] = {}
    assert load_spec(cfg).config.storage.type == "hdf5"


def _without_hdf5_libraries(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name in ("tables", "h5py") else real(name, *a),
    )


def test_without_the_hdf5_libraries_the_default_skips_runs_h5_with_one_warning(
    cfg: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    _without_hdf5_libraries(monkeypatch)
    spec = load_spec(cfg)
    assert spec.config.storage.type == "none"
    (warning,) = spec.warnings
    assert "runs.h5 is not written" in warning and "tables and h5py" in warning
    assert "[hdf5]" in warning


def test_without_the_hdf5_libraries_an_explicit_hdf5_is_refused(
    cfg: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    _without_hdf5_libraries(monkeypatch)
    cfg["storage"] = {"type": "hdf5"}
    with pytest.raises(ConfigError) as caught:
        load_spec(cfg)
    (line,) = caught.value.lines()
    assert "storage.type" in line and "h5py" in line and "[hdf5]" in line


def test_a_missing_writer_library_is_a_config_error_naming_the_extra(
    cfg: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name in ("pyarrow", "tables") else real(name, *a),
    )
    cfg["supervisor"]["summary_datatype"] = "both"
    cfg["storage"] = {"type": "hdf5"}
    with pytest.raises(ConfigError) as caught:
        load_spec(cfg)
    lines = "\n".join(caught.value.lines())
    assert "supervisor.summary_datatype" in lines and "[parquet]" in lines
    assert "storage.type" in lines and "[hdf5]" in lines


def test_supervisor_storage_options_validate(cfg: dict) -> None:
    cfg["supervisor"].update(summary_datatype="parquet", save_files="none", local_storage="TMPDIR")
    supervisor = load_spec(cfg).config.supervisor
    assert supervisor.summary_datatype == "parquet"
    assert supervisor.save_files == "none"
    assert supervisor.local_storage == "TMPDIR"


def test_save_files_custom_with_a_list_validates(cfg: dict) -> None:
    cfg["supervisor"].update(save_files="custom", save_files_list=["*.out", "output.txt"])
    assert load_spec(cfg).config.supervisor.save_files_list == ["*.out", "output.txt"]


def test_summary_datatype_must_be_known(cfg: dict) -> None:
    cfg["supervisor"]["summary_datatype"] = "xlsx"
    (line,) = problems_of(cfg).lines()
    assert line.startswith("<dict>: supervisor.summary_datatype: ")
    assert "(got 'xlsx')" in line


# --- the legacy single-section layout ------------------------------------------------------
def legacy_config(base_run_dir: Path) -> dict[str, Any]:
    current = base_config(base_run_dir)
    return {
        "executor": {"type": "LocalExecutor", "max_workers": 1, "base_run_dir": str(base_run_dir)},
        "sampler": current["samplers"]["s1"],
        "runner": current["runners"]["r1"],
    }


def test_legacy_layout_is_upgraded(tmp_path: Path) -> None:
    spec = load_spec(legacy_config(tmp_path / "old"))
    (level,) = spec.levels
    assert level.sampler.name == "sampler"
    assert level.sampler.cls is RandomSampler
    assert [e.name for e in level.executors] == ["executor"]
    assert "base_run_dir" not in level.executors[0].options
    assert [r.name for r in level.runners] == ["runner"]
    assert level.runners[0].cls is SyntheticDoubleGaussianRunner
    assert spec.base_run_dir == tmp_path / "old"
    assert any("deprecated" in w and "'executor'" in w for w in spec.warnings)


def test_legacy_layout_from_a_file_with_log_level(tmp_path: Path) -> None:
    data = legacy_config(tmp_path / "old")
    data["log_level"] = "debug"
    path = tmp_path / "old.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    spec = load_spec(path)
    assert spec.config.logging.level == "DEBUG"
    assert spec.base_run_dir == tmp_path / "old"
    assert len(spec.warnings) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.yaml"]


def test_legacy_layout_errors_use_the_upgraded_key_paths(tmp_path: Path) -> None:
    data = legacy_config(tmp_path / "old")
    data["sampler"]["budjet"] = data["sampler"].pop("budget")
    lines = problems_of(data).lines()
    assert "<dict>: samplers.sampler.budjet: unknown key; did you mean 'budget'?" in lines


# --- error reports -------------------------------------------------------------------------
def test_lines_name_the_file_and_the_line_of_a_misspelt_key(cfg: dict, tmp_path: Path) -> None:
    cfg["samplers"]["s1"]["budjet"] = cfg["samplers"]["s1"].pop("budget")
    path = tmp_path / "campaign.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False))
    line = 1 + next(i for i, text in enumerate(path.read_text().splitlines()) if "budjet:" in text)
    assert line > 1
    error = problems_of(path)
    assert error.source == str(path)
    assert f"{path}:{line}: samplers.s1.budjet: unknown key; did you mean 'budget'?" in (
        error.lines()
    )
    assert str(error) == "\n".join(error.lines())


def test_a_yaml_syntax_error_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("executors:\n  local:\n    type: LocalExecutor\nsamplers: [\n")
    (line,) = problems_of(path).lines()
    assert line.startswith(f"{path}:5: (top level): YAML syntax error: ")


def test_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    assert problems_of(path).lines() == [
        f"{path}: (top level): cannot read the file: No such file or directory"
    ]


@pytest.mark.parametrize("text", ["", "- a\n- b\n", "just a string\n"])
def test_a_file_that_is_not_a_mapping(tmp_path: Path, text: str) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(text)
    (line,) = problems_of(path).lines()
    assert line.startswith(f"{path}: (top level): expected a mapping")


def test_problems_in_several_entries_are_all_reported(cfg: dict) -> None:
    cfg["executors"]["local"]["max_workers"] = "two"
    cfg["samplers"]["s1"]["budget"] = -1
    cfg["samplers"]["s2"] = {"type": "RandomSampelr"}
    cfg["runners"]["r1"]["dimension"] = cfg["runners"]["r1"].pop("dimensions")
    cfg["runners"]["r2"] = {"type": "SyntheticDoubleGaussianRunner", "dimensions": 3}
    cfg["supervisor"]["run_order"][0]["executor"] = "locl"
    paths = [p.path for p in problems_of(cfg).problems]
    assert sorted(paths) == sorted(
        [
            ("executors", "local", "max_workers"),
            ("samplers", "s1", "budget"),
            ("samplers", "s2", "type"),
            ("runners", "r1", "dimension"),
            ("runners", "r2"),
            ("supervisor", "run_order", 0, "executor"),
        ]
    )


def test_section_and_entry_problems_are_reported_together(cfg: dict) -> None:
    cfg["supervisor"]["run_mode"] = "sometimes"
    cfg["samplers"]["s1"]["budjet"] = 3
    paths = {p.path for p in problems_of(cfg).problems}
    assert ("supervisor", "run_mode") in paths
    assert ("samplers", "s1", "budjet") in paths


def test_several_problems_in_a_file_each_have_their_line(cfg: dict, tmp_path: Path) -> None:
    cfg["samplers"]["s1"]["budget"] = 0
    cfg["runners"]["r1"]["dimensions"] = "two"
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False))
    text_lines = path.read_text().splitlines()
    budget_line = 1 + next(i for i, t in enumerate(text_lines) if "budget: 0" in t)
    dims_line = 1 + next(i for i, t in enumerate(text_lines) if "dimensions: two" in t)
    lines = problems_of(path).lines()
    assert len(lines) == 2
    assert any(line.startswith(f"{path}:{budget_line}: samplers.s1.budget: ") for line in lines)
    assert any(line.startswith(f"{path}:{dims_line}: runners.r1.dimensions: ") for line in lines)


def test_constructor_warnings_become_spec_warnings(cfg: dict) -> None:
    cfg["samplers"]["s1"].update(type="SobolSequenceSampler", budget=5)
    spec = load_spec(cfg)
    assert any("samplers.s1" in w and "power-of-two" in w for w in spec.warnings)


# --- overrides -------------------------------------------------------------------------------
def test_base_run_dir_override(cfg: dict, tmp_path: Path) -> None:
    spec = load_spec(cfg, base_run_dir=str(tmp_path / "override"))
    assert spec.base_run_dir == tmp_path / "override"
    assert not (tmp_path / "override").exists()


def test_base_run_dir_override_supplies_a_missing_key(cfg: dict, tmp_path: Path) -> None:
    del cfg["supervisor"]["base_run_dir"]
    assert problems_of(cfg).lines() == ["<dict>: supervisor.base_run_dir: required key is missing"]
    spec = load_spec(cfg, base_run_dir=str(tmp_path / "given"))
    assert spec.base_run_dir == tmp_path / "given"


def test_base_run_dir_override_on_a_file(cfg: dict, tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False))
    spec = load_spec(path, base_run_dir="relative/dir")
    assert spec.base_run_dir == Path("relative/dir")
    assert spec.text == path.read_text()
    assert spec.config_name == "c.yaml"


def test_run_mode_override_is_validated(cfg: dict) -> None:
    assert load_spec(cfg, run_mode="resume").config.supervisor.run_mode == "resume"
    (line,) = problems_of(cfg, run_mode="sometimes").lines()
    assert line.startswith("<dict>: supervisor.run_mode: ")


# --- defects found in review, now fixed -----------------------------------------------
def test_misspelt_supervisor_key_gets_did_you_mean(cfg: dict) -> None:
    cfg["supervisor"]["run_mdoe"] = "fresh"
    (line,) = problems_of(cfg).lines()
    assert line == "<dict>: supervisor.run_mdoe: unknown key; did you mean 'run_mode'?"


def test_save_files_custom_problem_names_the_missing_key(cfg: dict) -> None:
    cfg["supervisor"]["save_files"] = "custom"
    (problem,) = problems_of(cfg).problems
    assert problem.path == ("supervisor", "save_files_list")


def test_validated_runner_options_are_what_the_runner_gets(cfg: dict, tmp_path: Path) -> None:
    cfg["runners"]["r1"] = {"type": "SumRunner", "params_to_sum": ["x"], "fail_if": "0.5"}
    try:
        spec = load_spec(cfg)
    except ConfigError:
        return  # rejecting the string is fine too
    runner = spec.levels[0].runners[0].build()
    result = runner.single_code_run(str(tmp_path / "run"), {"x": 0.5, "y": 0.0})
    assert result["success"] is False


def test_any_constructor_exception_is_a_config_error(
    cfg: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "es_test_opening_runner.py").write_text(
        textwrap.dedent(
            """
            from enchanted_surrogates.runners import Runner


            class OpeningRunner(Runner):
                def __init__(self, path: str) -> None:
                    open(path).close()

                def single_code_run(self, run_dir, params=None):
                    return {"success": True}
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "es_test_opening_runner", raising=False)
    cfg["runners"]["r1"] = {
        "type": "es_test_opening_runner:OpeningRunner",
        "path": str(tmp_path / "missing.txt"),
    }
    (line,) = problems_of(cfg).lines()
    assert line.startswith("<dict>: runners.r1: ")


def test_an_entry_that_is_not_a_mapping_is_one_line(cfg: dict) -> None:
    cfg["runners"]["r1"] = "SyntheticDoubleGaussianRunner"
    assert len(problems_of(cfg).lines()) == 1


def test_a_runner_type_must_be_a_runner(cfg: dict) -> None:
    cfg["runners"]["r1"] = {"type": "builtins:dict", "anything": 1}
    (line,) = problems_of(cfg).lines()
    assert line.startswith("<dict>: runners.r1.type: ")
