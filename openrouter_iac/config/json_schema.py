"""The JSON Schema of the config language, generated from the models, in draft-07 form.

yaml-language-server (VS Code, Neovim, JetBrains) understands draft-07 best, so pydantic's
2020-12 output is rewritten: `$defs` becomes `definitions`, and a `$ref` with siblings (a
description, a default) is wrapped in an `allOf` (draft-07 ignores keywords beside `$ref`).
"""

from __future__ import annotations

import json
from typing import Any

from openrouter_iac.config.field_docs import add_descriptions, models_by_name
from openrouter_iac.kinds import WORKSPACE_NAMES
from openrouter_iac.model.config import CONFIG_VERSION, Config
from openrouter_iac.model.enums import BYOK_PROVIDERS
from openrouter_iac.model.names import SECRET_SINK_NAME, WORKSPACE_SLUG
from openrouter_iac.model.traits import SERVER_COMPUTED, fields_with

SCHEMA_ID = "https://github.com/openrouter-iac/orctl/schemas/orctl.schema.json"


def _draft07(node: Any) -> Any:
    if isinstance(node, list):
        return [_draft07(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _draft07(value) for key, value in node.items() if key != "discriminator"}
    if "$ref" in out:
        ref = out.pop("$ref").replace("#/$defs/", "#/definitions/")
        # Draft-07 ignores every keyword beside `$ref` (even `description`): wrap the reference.
        out = {**out, "allOf": [{"$ref": ref}]} if out else {"$ref": ref}
    return out


def config_schema() -> dict[str, Any]:
    """The schema as a dict."""
    raw = Config.model_json_schema(mode="validation")
    definitions = raw.pop("$defs", {})
    add_descriptions(raw, Config)
    models = models_by_name(Config)
    for name, definition in definitions.items():
        if name in models:
            add_descriptions(definition, models[name])
            for computed in fields_with(models[name], SERVER_COMPUTED):  # read from the API, never written
                definition.get("properties", {}).pop(computed, None)
    schema: dict[str, Any] = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": SCHEMA_ID,
        **_draft07(raw),
        "definitions": _draft07(definitions),
    }
    schema["title"] = "orctl configuration"
    schema["properties"]["version"]["enum"] = [CONFIG_VERSION]
    schema["properties"]["workspaces"]["propertyNames"] = WORKSPACE_SLUG.json_schema()
    schema["properties"]["secret_sinks"]["propertyNames"] = SECRET_SINK_NAME.json_schema()
    _config_only_rules(schema["definitions"])
    return schema


def _config_only_rules(definitions: dict[str, Any]) -> None:
    """What the loader's rules (or a model shorthand) add to the models, where JSON Schema can say it.

    The models also describe live state, so some fields are optional there but required in a
    config file; an editor should flag those as the loader does.
    """
    zdr = definitions["GuardrailPolicy"]["properties"]["zdr"]
    zdr["anyOf"].insert(1, {"type": "boolean"})  # `zdr: true` = every provider group
    definitions["Guardrail"]["properties"]["zdr"] = zdr
    byok = definitions["ByokKey"]
    byok["required"] = sorted({*byok.get("required", []), "provider", "key"})
    # Suggested, not enforced: the API's list changes almost weekly (`orctl plan` checks it live).
    byok["properties"]["provider"]["examples"] = list(BYOK_PROVIDERS)
    byok["properties"]["provider"]["minLength"] = 1
    byok["properties"]["key"] = {
        "description": byok["properties"]["key"]["description"],
        "type": "string",
        "pattern": "^(env|keyring|file):.+",
        "title": "Key",
    }
    preset = definitions["Preset"]
    preset["properties"]["publish_with"] = {
        "description": preset["properties"]["publish_with"]["description"],
        "type": "string",
        "title": "Publish With",
    }
    workspace = definitions["Workspace"]["properties"]
    for collection, rule in WORKSPACE_NAMES.items():
        workspace[collection]["propertyNames"] = rule.json_schema()


def config_schema_text() -> str:
    """The schema as the text kept in `schemas/orctl.schema.json`."""
    return json.dumps(config_schema(), indent=2, sort_keys=True) + "\n"
