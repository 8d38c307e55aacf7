"""Read YAML while remembering the line of every key, so errors can point at it."""

from __future__ import annotations

from pathlib import Path as FsPath
from typing import Any

import yaml

from enchanted_surrogates.config import yaml12
from enchanted_surrogates.config.duplicate_keys import duplicate_keys
from enchanted_surrogates.config.errors import ConfigError, Path, Problem


class LineMap:
    """Key path -> 1-based line number in the YAML text."""

    def __init__(self, lines: dict[Path, int] | None = None) -> None:
        self._lines = lines or {}

    def line(self, path: Path) -> int | None:
        """The line of `path`, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self._lines:
                return self._lines[path]
            path = path[:-1]
        return None


def _walk(node: yaml.Node, path: Path, out: dict[Path, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = (*path, key_node.value)
            out[child] = key_node.start_mark.line + 1
            _walk(value_node, child, out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, index)
            out[child] = item.start_mark.line + 1
            _walk(item, child, out)


def parse_yaml(text: str, source: str) -> tuple[Any, LineMap]:
    """Parse `text`; a syntax error becomes a one-line ConfigError with its line."""
    try:
        data = yaml12.load(text)
        root = yaml12.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError([Problem((), f"YAML syntax error: {reason}", line)], source) from None
    duplicates = duplicate_keys(root)
    if duplicates:
        raise ConfigError(duplicates, source)
    lines: dict[Path, int] = {}
    if root is not None:
        _walk(root, (), lines)
    return data, LineMap(lines)


def read_config_file(path: str | FsPath) -> tuple[str, Any, LineMap]:
    """The text, the parsed data and the line map of a config file."""
    source = str(path)
    try:
        text = FsPath(path).read_text()
    except OSError as exc:
        raise ConfigError([Problem((), f"cannot read the file: {exc.strerror}")], source) from None
    data, lines = parse_yaml(text, source)
    return text, data, lines
