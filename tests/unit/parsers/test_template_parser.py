"""TemplateParser: jinja2 and str.format templates rendered into the run directory."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from enchanted_surrogates.parsers.template import TemplateParser
from enchanted_surrogates.runs.errors import RunError


@pytest.fixture
def write(tmp_path):
    def make(name: str, text: str) -> str:
        path = tmp_path / "templates" / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
        return str(path)

    return make


def test_jinja2_for_j2_files_with_the_suffix_dropped(tmp_path, write):
    parser = TemplateParser(
        template=write("input.nml.j2", "x = {{ x }}\n{% if n > 1 %}many{% endif %}\n")
    )
    parser.write_input_file({"x": 0.5, "n": 2}, str(tmp_path))
    assert (tmp_path / "input.nml").read_text() == "x = 0.5\nmany\n"


def test_format_for_other_files_with_specs_and_doubled_braces(tmp_path, write):
    parser = TemplateParser(template=write("cfg.json", '{{"x": {x:.3f}, "dir": "{run_dir}"}}'))
    parser.write_input_file({"x": 1 / 3}, str(tmp_path))
    assert (tmp_path / "cfg.json").read_text() == f'{{"x": 0.333, "dir": "{tmp_path}"}}'


def test_engine_and_dest_can_be_given(tmp_path, write):
    parser = TemplateParser(template=write("deck.in", "{{ x }}"), engine="jinja2", dest="a/deck")
    parser.write_input_file({"x": 7}, str(tmp_path))
    assert (tmp_path / "a" / "deck").read_text() == "7"


@pytest.mark.parametrize(
    ("name", "text", "error"),
    [
        ("in.j2", "{{ x }} {{ y }}", "'y' is undefined"),
        ("in.txt", "{x} {y}", "no parameter 'y'"),
        ("in.j2", "{{ x + 1 }}", "TypeError"),
    ],
)
def test_a_missing_or_unfit_param_is_a_run_error(tmp_path, write, name, text, error):
    parser = TemplateParser(template=write(name, text))
    with pytest.raises(RunError, match=error):
        parser.write_input_file({"x": "text"}, str(tmp_path))


@pytest.mark.parametrize(
    ("name", "text", "options", "error"),
    [
        ("in.j2", "{% if %}", {}, r"template: in\.j2:1: "),
        ("in.txt", "{x", {}, r"template: in\.txt: .*\(engine: format\)"),
        ("in.txt", "{} {0}", {}, "a positional field"),
        ("in.txt", "x", {"dest": "../escape"}, "not a path inside the run directory"),
        ("in.txt", "x", {"engine": "mako"}, "'jinja2' or 'format'"),
    ],
)
def test_template_mistakes_are_caught_at_construction(write, name, text, options, error):
    with pytest.raises(ValidationError, match=error):
        TemplateParser(template=write(name, text), **options)


def test_a_missing_template_names_the_directory_paths_start_from(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValidationError, match=f"no file 'in.j2' .*start at {tmp_path}"):
        TemplateParser(template="in.j2")
