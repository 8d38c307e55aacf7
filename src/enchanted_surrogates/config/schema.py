"""The JSON Schema of a campaign config, built from the same pydantic models that
validate it, so editors (e.g. VS Code's YAML extension) complete and check the file.

Entries under `executors`, `samplers` and `runners` are a choice over every known type
(built-in or installed plugin): each branch fixes `type` to that type's spellings and
allows exactly its keys. An import-path `type` (`package.module:Class`) is accepted
with any keys, since its class is only known once imported.
"""

from __future__ import annotations

import re
from typing import Any

from enchanted_surrogates.config.models import CampaignConfig, RunnerLimits
from enchanted_surrogates.config.options import options_model
from enchanted_surrogates.config.registry import known_names, resolve

SCHEMA_ID = "https://enchanted-surrogates.invalid/campaign.schema.json"
IMPORT_PATH = r"^[A-Za-z_][\w.]*[:.][A-Za-z_]\w*$"


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _rename_refs(node: Any, prefix: str) -> Any:
    """Point the refs of one model's schema at its own, prefixed, definitions."""
    if isinstance(node, dict):
        return {
            key: (
                value.replace("#/$defs/", f"#/$defs/{prefix}")
                if key == "$ref" and isinstance(value, str)
                else _rename_refs(value, prefix)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rename_refs(item, prefix) for item in node]
    return node


def type_schemas(kind: str, defs: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """One schema per known type of `kind`, keyed by its canonical name."""
    branches: dict[str, dict[str, Any]] = {}
    for name in known_names(kind):
        try:
            cls = resolve(kind, name)
            model = options_model(cls)
            schema = model.model_json_schema()
        except Exception:  # a plugin that does not import: accept its entries loosely
            schema = {"type": "object", "additionalProperties": True}
            model = None
        prefix = f"{kind}.{name}."
        schema = _rename_refs(schema, prefix)
        for def_name, definition in schema.pop("$defs", {}).items():
            defs[prefix + def_name] = definition
        properties = dict(schema.get("properties", {}))
        if kind == "runners":
            properties.update(RunnerLimits.model_json_schema()["properties"])
        spellings = sorted({name, snake(name)})
        properties["type"] = {"enum": spellings, "description": f"{name}"}
        branch = {
            "type": "object",
            "title": name,
            "properties": properties,
            "required": sorted({*schema.get("required", []), "type"}),
        }
        if model is None or model.model_config.get("extra") != "allow":
            branch["additionalProperties"] = model is None
        if schema.get("description"):
            branch["description"] = schema["description"]
        branches[name] = branch
    return branches


def campaign_schema() -> dict[str, Any]:
    """The whole config's schema (draft 2020-12)."""
    schema = CampaignConfig.model_json_schema()
    defs = schema.setdefault("$defs", {})
    for kind in ("executors", "samplers", "runners"):
        branches = list(type_schemas(kind, defs).values())
        branches.append(
            {
                "type": "object",
                "title": "a class by import path",
                "properties": {"type": {"type": "string", "pattern": IMPORT_PATH}},
                "required": ["type"],
            }
        )
        schema["properties"][kind] = {
            "type": "object",
            "description": f"Named {kind}; each entry's `type` decides its keys.",
            "additionalProperties": {"anyOf": branches},
        }
    # spellings the models accept through `before` validators
    levels = defs["LoggingConfig"]["properties"]["level"]["enum"]
    defs["LoggingConfig"]["properties"]["level"]["enum"] = levels + [v.lower() for v in levels]
    schema["properties"]["logging"] = {
        "anyOf": [
            {"$ref": "#/$defs/LoggingConfig"},
            {"enum": levels + [v.lower() for v in levels]},
        ],
        "description": schema["properties"]["logging"].get("description", ""),
    }
    storage = defs["StorageConfig"]["properties"]["type"]
    storage["enum"] = [*storage["enum"], "HDF5", "None", None]
    current = {key: schema.pop(key) for key in ("properties", "required", "additionalProperties")}
    current["type"] = schema.pop("type", "object")
    schema["anyOf"] = [current, _legacy_layout(current["properties"], defs["SupervisorConfig"])]
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    schema["title"] = "enchanted-surrogates campaign"
    return schema


def _legacy_layout(current: dict[str, Any], supervisor: dict[str, Any]) -> dict[str, Any]:
    """The original's singular layout (one `executor` holding `base_run_dir`, one
    `sampler`, one `runner`, `log_level`), which still loads with a deprecation warning."""

    def entry(kind: str) -> dict[str, Any]:
        return current[kind]["additionalProperties"]

    executor = {
        "anyOf": [
            {**branch, "properties": {**branch["properties"], "base_run_dir": {"type": "string"}}}
            for branch in entry("executors")["anyOf"]
        ]
    }
    properties = {
        "executor": executor,
        "sampler": entry("samplers"),
        "runner": entry("runners"),
        "log_level": current["logging"],
        **{key: current[key] for key in ("supervisor", "storage", "logging", "post_processing")},
    }
    # base_run_dir may sit in the executor, and run_order is implied
    properties["supervisor"] = {k: v for k, v in supervisor.items() if k != "required"}
    return {
        "type": "object",
        "title": "the original singular layout (deprecated)",
        "deprecated": True,
        "properties": properties,
        "required": ["executor", "sampler", "runner"],
        "additionalProperties": False,
    }
