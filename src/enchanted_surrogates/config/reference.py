"""The config reference in Markdown, generated from the schema so it cannot drift from
the code: `enchanted schema --markdown > docs/config-reference.md` (a test checks it)."""

from __future__ import annotations

import json
from typing import Any

from enchanted_surrogates.config.registry import BUILTINS
from enchanted_surrogates.config.schema import campaign_schema, snake

HEADER = """# Config reference

Generated from the code by `enchanted schema --markdown`; do not edit by hand. For an
editor, `enchanted schema > campaign.schema.json` gives the JSON Schema (VS Code: add
`# yaml-language-server: $schema=campaign.schema.json` at the top of a config).
"""

SECTIONS = [
    ("supervisor", "SupervisorConfig"),
    ("supervisor.run_order[]", "RunOrderEntry"),
    ("storage", "StorageConfig"),
    ("logging", "LoggingConfig"),
    ("post_processing", "PostProcessingConfig"),
]


def _type_text(prop: dict[str, Any]) -> str:
    if "enum" in prop:
        return " \\| ".join(json.dumps(v) for v in prop["enum"])
    if "const" in prop:
        return json.dumps(prop["const"])
    if "$ref" in prop:
        return prop["$ref"].rsplit(".", 1)[-1].rsplit("/", 1)[-1]
    if "anyOf" in prop:
        return " \\| ".join(_type_text(option) for option in prop["anyOf"])
    kind = prop.get("type", "any")
    entries = prop.get("additionalProperties")
    if kind == "object" and isinstance(entries, dict) and "anyOf" in entries:
        return "map of name to entry (see below)"
    if kind == "array":
        return f"list of {_type_text(prop.get('items', {}))}"
    if kind == "object" and isinstance(prop.get("additionalProperties"), dict):
        return f"map of {_type_text(prop['additionalProperties'])}"
    return str(kind)


def _default_text(prop: dict[str, Any], required: bool) -> str:
    if required:
        return "required"
    if "default" in prop:
        return f"`{json.dumps(prop['default'])}`"
    return ""


def _table(schema: dict[str, Any], skip: tuple[str, ...] = ()) -> list[str]:
    properties = schema.get("properties", {})
    required = set(schema.get("required", []))
    lines = ["| key | type | default | meaning |", "| --- | --- | --- | --- |"]
    for key, prop in properties.items():
        if key in skip:
            continue
        description = " ".join(str(prop.get("description", "")).split()).replace("|", "\\|")
        lines.append(
            f"| `{key}` | {_type_text(prop)} | {_default_text(prop, key in required)} "
            f"| {description} |"
        )
    return lines


def reference_markdown() -> str:
    """Every section and every built-in type with its keys, types, defaults, meanings."""
    schema = campaign_schema()
    defs = schema["$defs"]
    current = schema["anyOf"][0]  # the other branch is the original's deprecated layout
    out = [HEADER, "## Top level", "", *_table(current), ""]
    for title, name in SECTIONS:
        out += [f"## `{title}`", "", *_table(defs[name]), ""]
    for kind in ("executors", "samplers", "runners"):
        out += [f"## {kind}", ""]
        branches = current["properties"][kind]["additionalProperties"]["anyOf"]
        by_title = {branch["title"]: branch for branch in branches}
        for name in sorted(BUILTINS[kind]):
            branch = by_title[name]
            out += [f"### `{name}` (also `{snake(name)}`)", ""]
            if branch.get("description"):
                out += [" ".join(branch["description"].split()), ""]
            out += [*_table(branch, skip=("type",)), ""]
        if kind == "runners":
            out += [
                "Every runner entry also takes the framework keys `timeout`, "
                "`memory_limit`, `retries` and `retry_on` (listed above each runner).",
                "",
            ]
    return "\n".join(out).rstrip() + "\n"
