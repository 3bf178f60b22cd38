"""The committed JSON Schema (`schemas/orctl.schema.json`): current, draft-07 only, documented, and
accepting every example the loader accepts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from openrouter_iac.cli import main
from openrouter_iac.config.json_schema import config_schema_text
from openrouter_iac.config.yaml_source import read_yaml

REPO = Path(__file__).resolve().parents[2]
SCHEMA_FILE = REPO / "schemas" / "orctl.schema.json"
EXAMPLE_FILES = sorted((REPO / "examples").rglob("*.yaml"))
REGENERATE = "regenerate it with: orctl schema -o schemas/orctl.schema.json"

POST_DRAFT_07 = frozenset(
    {
        "$defs",
        "$anchor",
        "$dynamicRef",
        "$dynamicAnchor",
        "$recursiveRef",
        "$recursiveAnchor",
        "$vocabulary",
        "prefixItems",
        "unevaluatedProperties",
        "unevaluatedItems",
        "dependentRequired",
        "dependentSchemas",
        "minContains",
        "maxContains",
        "contentSchema",
        "discriminator",  # OpenAPI, not JSON Schema: yaml-language-server would ignore it
    }
)


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return loaded


def _schemas(node: Any, path: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every sub-schema (a dict in a schema position) with its JSON pointer."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            if key in ("properties", "definitions", "patternProperties") and isinstance(value, dict):
                for name, child in value.items():
                    yield from _schemas(child, f"{path}/{key}/{name}")
            elif key in ("enum", "const", "default", "examples", "required"):
                continue  # values, not schemas
            else:
                yield from _schemas(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _schemas(item, f"{path}/{index}")


def test_committed_schema_is_current() -> None:
    committed = SCHEMA_FILE.read_text(encoding="utf-8")
    assert committed == config_schema_text(), f"{SCHEMA_FILE.relative_to(REPO)} is stale; {REGENERATE}"


def test_orctl_schema_prints_the_committed_file() -> None:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0, result.output
    assert result.stdout == SCHEMA_FILE.read_text(encoding="utf-8")


def test_orctl_schema_writes_the_committed_file(tmp_path: Path) -> None:
    target = tmp_path / "orctl.schema.json"
    result = CliRunner().invoke(main, ["schema", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8") == SCHEMA_FILE.read_text(encoding="utf-8")


def test_schema_is_valid_draft_07(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)


def test_schema_uses_no_keyword_after_draft_07(schema: dict[str, Any]) -> None:
    found = [f"{path}/{key}" for path, node in _schemas(schema) for key in node if key in POST_DRAFT_07]
    assert found == []


def test_every_reference_resolves_inside_the_file(schema: dict[str, Any]) -> None:
    refs = [node["$ref"] for _, node in _schemas(schema) if "$ref" in node]
    assert refs
    for ref in refs:
        assert ref.startswith("#/definitions/"), ref
        assert ref.removeprefix("#/definitions/") in schema["definitions"], ref


def test_a_ref_has_no_siblings_draft_07_would_ignore(schema: dict[str, Any]) -> None:
    ignored = [path for path, node in _schemas(schema) if "$ref" in node and set(node) - {"$ref"}]
    assert ignored == []


def test_every_property_has_a_description(schema: dict[str, Any]) -> None:
    owners = {"#": schema, **{f"#/definitions/{name}": d for name, d in schema["definitions"].items()}}
    missing = [
        f"{owner}/properties/{name}"
        for owner, definition in owners.items()
        for name, prop in definition.get("properties", {}).items()
        if not prop.get("description", "").strip()
    ]
    assert missing == []
    assert all(definition.get("description") for definition in schema["definitions"].values())


def test_objects_reject_unknown_keys_like_the_loader(schema: dict[str, Any]) -> None:
    assert schema["additionalProperties"] is False
    for name, definition in schema["definitions"].items():
        assert definition.get("additionalProperties") is False, name


def _validator(schema: dict[str, Any]) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_example_file_validates_against_the_schema(schema: dict[str, Any], example: Path) -> None:
    # The loader's YAML reading: timestamps stay strings, as an editor sees them.
    data, _, problems = read_yaml(example, str(example))
    assert problems == []
    errors = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in _validator(schema).iter_errors(data)]
    assert errors == []


@pytest.mark.parametrize(
    ("document", "where"),
    [
        ({"workspaces": {}}, ""),
        ({"version": 2}, "version"),
        ({"version": 1, "workspaces": {"Bad_Slug": {"name": "x"}}}, "workspaces"),
        ({"version": 1, "workspaces": {"ok": {"name": "x", "keys": {"k": {"limt": 5}}}}}, "workspaces.ok.keys.k"),
        ({"version": 1, "secret_sinks": {"s": {"type": "vault"}}}, "secret_sinks.s"),
        (
            {"version": 1, "workspaces": {"ok": {"name": "x", "byok": {"b": {"provider": "openai"}}}}},
            "workspaces.ok.byok.b",
        ),
        (
            {"version": 1, "workspaces": {"ok": {"name": "x", "byok": {"b": {"provider": "openai", "key": "sk-1"}}}}},
            "workspaces.ok.byok.b.key",
        ),
    ],
)
def test_schema_rejects_what_the_loader_rejects(schema: dict[str, Any], document: dict[str, Any], where: str) -> None:
    errors = list(_validator(schema).iter_errors(document))
    assert errors
    assert any(".".join(map(str, e.absolute_path)) == where for e in errors), [e.message for e in errors]


def test_zdr_shorthand_is_accepted_by_the_schema(schema: dict[str, Any]) -> None:
    document = {"version": 1, "workspaces": {"ok": {"name": "x", "default_guardrail": {"zdr": True}}}}
    assert list(_validator(schema).iter_errors(document)) == []
