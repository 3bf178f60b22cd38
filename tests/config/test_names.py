"""One set of name rules (each kind's `name_rule`) for every named kind: the loader and the JSON Schema agree."""

from __future__ import annotations

import json
import typing
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from openrouter_iac.config.loader import load_config
from openrouter_iac.errors import ConfigError
from openrouter_iac.kinds import WORKSPACE_NAMES
from openrouter_iac.model.names import SECRET_SINK_NAME, WORKSPACE_SLUG, NameRule
from openrouter_iac.model.resources import Workspace

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "schemas" / "orctl.schema.json").read_text("utf-8"))

SAMPLES = [
    "docs-bot",
    "Bad Name",
    "lab cap (eu)",
    "équipe-été",
    "a",
    "x" * 200,
    "x" * 201,
    "",
    " lab-cap ",
    "lab-cap ",
    "\tlab",
    "ops\ntraces",
    "nul\x00byte",
    "Docs_Answer",
    "double--dash",
    "-leading",
    "team/docs-bot",
    "my.sink_1",
    "bot [orctl-pending 3f2a]",
    "bot [orctl-retiring until 2026-12-02T10:00:00Z]",
    "bot [orctl-later]",
]

RULES: list[tuple[str, NameRule]] = [
    ("workspaces", WORKSPACE_SLUG),
    ("secret_sinks", SECRET_SINK_NAME),
    *WORKSPACE_NAMES.items(),
]


def test_every_named_collection_of_a_workspace_has_a_rule() -> None:
    named = {name for name, f in Workspace.model_fields.items() if typing.get_origin(f.annotation) is dict}
    assert named == set(WORKSPACE_NAMES)


@pytest.mark.parametrize(("collection", "rule"), RULES, ids=[c for c, _ in RULES])
def test_the_schema_says_what_the_loader_says(collection: str, rule: NameRule) -> None:
    if collection in WORKSPACE_NAMES:
        committed = SCHEMA["definitions"]["Workspace"]["properties"][collection]["propertyNames"]
    else:
        committed = SCHEMA["properties"][collection]["propertyNames"]
    assert committed == rule.json_schema()
    validator = jsonschema.Draft7Validator(committed)
    for name in SAMPLES:
        assert validator.is_valid(name) == (rule.problem(name) is None), (collection, name, rule.problem(name))


def _config(collection: str, name: str) -> dict[str, Any]:
    bodies: dict[str, Any] = {
        "guardrails": {},
        "keys": {},
        "presets": {"model": "openai/gpt-5", "publish_with": "bot"},
        "byok": {"provider": "openai", "key": "env:OPENAI_KEY"},
        "observability": {"type": "webhook", "config": {"url": "https://hooks.example.com/t"}},
    }
    workspace: dict[str, Any] = {"name": "Sandbox", "keys": {"bot": {"secret_sink": "local"}}}
    workspace.setdefault(collection, {})[name] = bodies[collection]
    return {
        "version": 1,
        "secret_sinks": {"local": {"type": "file", "path": ".secrets/{key}.key"}},
        "workspaces": {"sandbox": workspace},
    }


@pytest.mark.parametrize("collection", sorted(WORKSPACE_NAMES))
def test_surrounding_spaces_are_refused_for_every_kind(collection: str, tmp_path: Path) -> None:
    path = tmp_path / "orctl.yaml"
    path.write_text(json.dumps(_config(collection, " lab-cap ")), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    (problem,) = caught.value.problems
    what = WORKSPACE_NAMES[collection].what
    if WORKSPACE_NAMES[collection].pattern:  # slugs have no spaces at all
        assert problem.endswith(
            f"{what} ' lab-cap ' must be lowercase letters and digits in groups separated by "
            "single dashes (pattern ^[a-z0-9]+(?:-[a-z0-9]+)*$)"
        )
    else:
        assert problem.endswith(
            f": workspaces.sandbox.{collection}[' lab-cap ']: {what} ' lab-cap ' must not start or end with white space"
        )


@pytest.mark.parametrize("collection", sorted(WORKSPACE_NAMES))
def test_a_plain_name_is_accepted_for_every_kind(collection: str, tmp_path: Path) -> None:
    path = tmp_path / "orctl.yaml"
    path.write_text(json.dumps(_config(collection, "lab-cap")), encoding="utf-8")
    assert load_config(path).config.workspaces["sandbox"]
