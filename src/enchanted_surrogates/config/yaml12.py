"""YAML as scientists write it: `2.0e5` and `1e3` are numbers (YAML 1.2), not strings.

PyYAML follows YAML 1.1, whose floats need a dot and a signed exponent, so `1e3` or
`2.0e5` stay strings and fail later, far from the config line. This loader resolves
floats with the YAML 1.2 core-schema rule; everything else is PyYAML's safe loader.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

FLOAT_12 = re.compile(
    r"""^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)


class Yaml12Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 floats."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:float"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:float", FLOAT_12, list("-+0123456789."))


def load(text: str) -> Any:
    """Parse YAML text with YAML 1.2 numbers."""
    return yaml.load(text, Loader=Yaml12Loader)


def compose(text: str) -> yaml.Node | None:
    """The node tree (for line numbers), resolved as `load` resolves it."""
    return yaml.compose(text, Loader=Yaml12Loader)


def unquoted_braces(value: Any) -> str | None:
    """A hint when YAML read an unquoted `{T}` as the mapping {T: None}."""
    if isinstance(value, dict) and len(value) == 1 and next(iter(value.values())) is None:
        name = next(iter(value))
        return f"{{{name}}} was read by YAML as a mapping; quote it: '{{{name}}}'"
    return None
