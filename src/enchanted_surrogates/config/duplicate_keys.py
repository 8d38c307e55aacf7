"""A key written twice in one YAML mapping is refused, naming the key and both lines.

YAML loaders silently keep the last value: `budget: 8` then `budget: 16` ran 16 points,
and a second `samplers.sobol` replaced the first one unseen.
"""

from __future__ import annotations

import yaml

from enchanted_surrogates.config.errors import Path, Problem


def duplicate_keys(node: yaml.Node | None, path: Path = ()) -> list[Problem]:
    """One problem per key that appears more than once in the same mapping of `node`."""
    problems: list[Problem] = []
    if isinstance(node, yaml.MappingNode):
        first: dict[object, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            line = key_node.start_mark.line + 1
            if key is not None and key != "<<":
                if key in first:
                    problems.append(
                        Problem(
                            (*path, key),
                            f"written twice (lines {first[key]} and {line}); keep one",
                            line,
                        )
                    )
                else:
                    first[key] = line
            problems += duplicate_keys(value_node, (*path, key))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            problems += duplicate_keys(item, (*path, index))
    return problems
