"""`type:` resolution: built-in names, import paths, and entry-point plugins."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from enchanted_surrogates.config import load_spec
from enchanted_surrogates.config.registry import (
    BUILTINS,
    KINDS,
    ResolveError,
    known_names,
    resolve,
)
from enchanted_surrogates.executors.local import LocalExecutor
from enchanted_surrogates.runners import Runner
from enchanted_surrogates.runners.sum_runner import SumRunner
from enchanted_surrogates.runners.synthetic_double_gaussian_runner import (
    SyntheticDoubleGaussianRunner,
)
from enchanted_surrogates.samplers.grid import GridSampler
from enchanted_surrogates.samplers.latin_hypercube import LatinHypercubeSampler
from enchanted_surrogates.samplers.random import RandomSampler
from enchanted_surrogates.samplers.sobol import SobolSequenceSampler


@pytest.mark.parametrize(
    ("kind", "name", "expected"),
    [
        ("samplers", "RandomSampler", RandomSampler),
        ("samplers", "random_sampler", RandomSampler),
        ("samplers", "SobolSequenceSampler", SobolSequenceSampler),
        ("samplers", "sobol_sequence_sampler", SobolSequenceSampler),
        ("samplers", "latin_hypercube_sampler", LatinHypercubeSampler),
        ("samplers", "grid_sampler", GridSampler),
        ("runners", "SumRunner", SumRunner),
        ("runners", "synthetic_double_gaussian_runner", SyntheticDoubleGaussianRunner),
        ("executors", "LocalExecutor", LocalExecutor),
        ("executors", "local_executor", LocalExecutor),
    ],
)
def test_builtin_names_in_pascal_and_snake_case(kind: str, name: str, expected: type) -> None:
    assert resolve(kind, name) is expected


@pytest.mark.parametrize("name", ["JoblibExecutor", "joblib_executor"])
def test_joblib_executor_is_an_alias_of_local_executor(name: str) -> None:
    assert resolve("executors", name) is LocalExecutor


@pytest.mark.parametrize(
    "path",
    [
        "enchanted_surrogates.runners.sum_runner:SumRunner",
        "enchanted_surrogates.runners.sum_runner.SumRunner",
    ],
)
def test_import_path_colon_and_dotted_forms(path: str) -> None:
    assert resolve("runners", path) is SumRunner


def test_import_path_to_a_nested_attribute() -> None:
    assert (
        resolve("samplers", "enchanted_surrogates.samplers.random:RandomSampler.Config")
        is RandomSampler.Config
    )


def test_builtin_names_are_per_kind() -> None:
    with pytest.raises(ResolveError, match="unknown type 'RandomSampler'"):
        resolve("runners", "RandomSampler")


@pytest.mark.parametrize(
    ("kind", "name", "suggestion"),
    [
        ("samplers", "RandomSampelr", "RandomSampler"),
        ("samplers", "sobol_sequence_samplr", "SobolSequenceSampler"),
        ("runners", "SumRuner", "SumRunner"),
        ("executors", "LocalExecuter", "LocalExecutor"),
    ],
)
def test_unknown_name_suggests_the_closest(kind: str, name: str, suggestion: str) -> None:
    with pytest.raises(ResolveError) as info:
        resolve(kind, name)
    message = str(info.value)
    assert message.startswith(f"unknown type '{name}'")
    assert message.endswith(f"; did you mean '{suggestion}'?")


def test_unknown_name_with_nothing_close_lists_the_known_names() -> None:
    with pytest.raises(ResolveError) as info:
        resolve("samplers", "Banana")
    message = str(info.value)
    assert "did you mean" not in message
    assert "known samplers:" in message
    for name in BUILTINS["samplers"]:
        assert name in message


@pytest.mark.parametrize(
    ("target", "fragment"),
    [
        ("no_such_pkg.module:Thing", "cannot import 'no_such_pkg.module'"),
        ("enchanted_surrogates.runners.sum_runner:Nope", "has no 'Nope'"),
        ("enchanted_surrogates.runners.sum_runner.Nope", "has no 'Nope'"),
        (":Thing", "is not of the form package.module:ClassName"),
        ("enchanted_surrogates.runners.sum_runner:", "is not of the form"),
    ],
)
def test_bad_import_paths_raise_resolve_error(target: str, fragment: str) -> None:
    with pytest.raises(ResolveError, match=fragment):
        resolve("runners", target)


def test_module_that_fails_on_import_is_a_resolve_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "es_test_broken_module.py").write_text("raise RuntimeError('boom at import')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        with pytest.raises(ResolveError, match=r"RuntimeError: boom at import"):
            resolve("runners", "es_test_broken_module:Anything")
    finally:
        sys.modules.pop("es_test_broken_module", None)


def test_known_names_lists_the_builtins() -> None:
    for kind in KINDS:
        assert set(BUILTINS[kind]) <= set(known_names(kind))
    assert known_names("samplers") == sorted(known_names("samplers"))
    assert "JoblibExecutor" in known_names("executors")


# --- an installed plugin, through the real entry-point machinery --------------------------
PLUGIN_MODULE = "my_es_plugin"

PLUGIN_SOURCE = textwrap.dedent(
    """
    from enchanted_surrogates.runners import Runner


    class MyRunner(Runner):
        def __init__(self, scale: float = 1.0) -> None:
            self.scale = scale

        def single_code_run(self, run_dir, params=None):
            return {"output": self.scale * sum((params or {}).values()), "success": True}
    """
)


def _install_plugin(folder: Path) -> None:
    """A module plus a dist-info folder: what `pip install` leaves behind."""
    (folder / f"{PLUGIN_MODULE}.py").write_text(PLUGIN_SOURCE)
    dist_info = folder / f"{PLUGIN_MODULE}-0.1.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: my-es-plugin\nVersion: 0.1\n")
    (dist_info / "entry_points.txt").write_text(
        f"[enchanted_surrogates.runners]\nmy_runner = {PLUGIN_MODULE}:MyRunner\n"
    )


@pytest.fixture
def plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A module plus a dist-info folder on sys.path: what `pip install` leaves behind."""
    _install_plugin(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    sys.modules.pop(PLUGIN_MODULE, None)


def test_plugin_name_resolves_to_its_class(plugin: Path) -> None:
    cls = resolve("runners", "my_runner")
    assert cls.__name__ == "MyRunner"
    assert cls.__module__ == PLUGIN_MODULE
    assert issubclass(cls, Runner)
    assert Path(sys.modules[PLUGIN_MODULE].__file__).parent == plugin


def test_plugin_name_is_listed_under_its_group_only(plugin: Path) -> None:
    assert "my_runner" in known_names("runners")
    assert "my_runner" not in known_names("samplers")
    with pytest.raises(ResolveError, match="unknown type 'my_runner'"):
        resolve("samplers", "my_runner")


def test_plugin_name_takes_part_in_did_you_mean(plugin: Path) -> None:
    with pytest.raises(ResolveError, match="did you mean 'my_runner'"):
        resolve("runners", "my_runnr")


def test_without_the_plugin_the_name_is_unknown() -> None:
    assert "my_runner" not in known_names("runners")
    with pytest.raises(ResolveError):
        resolve("runners", "my_runner")


def campaign_with_plugin_runner(base_run_dir: Path, **runner_keys: object) -> dict:
    return {
        "executors": {"local": {"type": "LocalExecutor", "max_workers": 1}},
        "samplers": {
            "s1": {
                "type": "GridSampler",
                "parameters": ["x"],
                "bounds": [[0.0, 1.0]],
                "num_samples": 3,
            }
        },
        "runners": {"mine": {"type": "my_runner", **runner_keys}},
        "supervisor": {
            "base_run_dir": str(base_run_dir),
            "run_order": [{"sampler": "s1", "executor": "local", "runner": "mine"}],
        },
    }


def test_campaign_using_a_plugin_runner_passes_load_spec(plugin: Path) -> None:
    spec = load_spec(campaign_with_plugin_runner(plugin / "campaign", scale=2.5))
    (runner,) = spec.levels[0].runners
    assert runner.name == "mine"
    assert runner.cls is resolve("runners", "my_runner")
    assert runner.options == {"scale": 2.5}
    assert runner.build().single_code_run(str(plugin / "run"), {"x": 2.0})["output"] == 5.0
    assert not (plugin / "campaign").exists()


def test_plugin_runner_keys_are_checked_against_its_signature(plugin: Path) -> None:
    from enchanted_surrogates.config import ConfigError

    with pytest.raises(ConfigError) as info:
        load_spec(campaign_with_plugin_runner(plugin / "campaign", scael=2.5))
    assert info.value.lines() == ["<dict>: runners.mine.scael: unknown key; did you mean 'scale'?"]


def test_a_plugin_installed_after_a_lookup_is_found(tmp_path: Path, monkeypatch) -> None:
    """The scan of installed packages is reused between look-ups, never when a folder on
    sys.path changed since (a package was installed there)."""
    monkeypatch.syspath_prepend(str(tmp_path))
    assert "my_runner" not in known_names("runners")
    _install_plugin(tmp_path)
    try:
        assert resolve("runners", "my_runner").__name__ == "MyRunner"
    finally:
        sys.modules.pop(PLUGIN_MODULE, None)
