"""`docs/config-language.md` keeps up with the code: every field, closed value set and limit."""

from __future__ import annotations

import re
import typing
from pathlib import Path

import pytest

from openrouter_iac.config.json_schema import config_schema
from openrouter_iac.model import enums
from openrouter_iac.model.config import CONFIG_VERSION
from openrouter_iac.model.sinks import EnvFileSinkSpec

DOC = Path(__file__).resolve().parents[2] / "docs" / "config-language.md"


@pytest.fixture(scope="module")
def text() -> str:
    return DOC.read_text(encoding="utf-8")


def test_every_field_of_every_section_is_documented(text: str) -> None:
    schema = config_schema()
    owners = {"(top level)": schema, **schema["definitions"]}
    missing = sorted(
        f"{owner}.{name}"
        for owner, definition in owners.items()
        for name in definition.get("properties", {})
        if f"`{name}`" not in text
    )
    assert missing == []


@pytest.mark.parametrize(
    "values",
    [
        enums.ResetInterval,
        enums.BudgetInterval,
        enums.FilterAction,
        enums.ScanScope,
        enums.DetectorSlug,
        enums.DataRegion,
        enums.RegionInput,
        enums.ServerTool,
        enums.ProviderSort,
        enums.ObservabilityType,
    ],
    ids=lambda v: str(v),
)
def test_every_closed_value_is_documented(text: str, values: object) -> None:
    assert [v for v in typing.get_args(values) if f"`{v}`" not in text] == []


def test_observability_required_config_table_matches_the_code(text: str) -> None:
    rows = dict(re.findall(r"^\| `([a-z0-9-]+)` \| (`[^|]+`) \|$", text, flags=re.MULTILINE))
    documented = {kind: tuple(re.findall(r"`([^`]+)`", keys)) for kind, keys in rows.items()}
    assert documented == enums.OBSERVABILITY_REQUIRED_CONFIG
    secret_keys = ", ".join(f"`{k}`" for k in sorted(enums.OBSERVABILITY_SECRET_CONFIG_KEYS))
    assert all(f"`{k}`" in text for k in enums.OBSERVABILITY_SECRET_CONFIG_KEYS), secret_keys


def test_stated_facts_match_the_code(text: str) -> None:
    assert f"understands `{CONFIG_VERSION}`" in text
    assert f"at most **{enums.MAX_DESTINATIONS_PER_TYPE} destinations of each type**" in text
    assert f"`{EnvFileSinkSpec.model_fields['variable'].default}`" in text
    assert "orctl schema -o schemas/orctl.schema.json" in text
    assert "# yaml-language-server: $schema=" in text
