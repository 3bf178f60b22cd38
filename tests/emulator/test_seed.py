"""Seed files: the shipped messy account loads, and bad seeds fail with a location."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from emulator_support import REPO_ROOT

from openrouter_iac.emulator import Emulator, SeedError, emulator_from_seed, load_seed_file

MESSY = REPO_ROOT / "examples" / "emulator-seeds" / "messy-account.json"


@pytest.fixture(scope="module")
def messy() -> Emulator:
    return emulator_from_seed(load_seed_file(MESSY), id_seed=7)


def _all(emulator: Emulator, path: str, query: str = "") -> list[dict[str, Any]]:
    status, payload = emulator.call("GET", path, query=query)
    assert status == 200, payload
    return payload["data"]  # type: ignore[no-any-return]


def test_messy_account_shape(messy: Emulator) -> None:
    workspaces = {w["slug"]: w for w in _all(messy, "/workspaces")}
    assert set(workspaces) == {"default", "research", "legacy-sandbox", "marketing"}
    default_keys = _all(messy, "/keys", "include_disabled=true")
    names = [k["name"] for k in default_keys]
    assert names.count("prod-backend") == 2 and names.count("test key") == 2
    assert sum(k["disabled"] for k in default_keys) == 2
    assert len(_all(messy, "/keys")) == 4  # disabled ones hidden by default
    sandbox = workspaces["legacy-sandbox"]["id"]
    assert _all(messy, "/keys", f"workspace_id={sandbox}") == []
    assert len(_all(messy, "/keys", f"workspace_id={sandbox}&include_disabled=true")) == 2


def test_messy_account_guardrails_and_assignments(messy: Emulator) -> None:
    guardrails = _all(messy, "/guardrails")
    names = [g["name"] for g in guardrails]
    assert names.count("prod policy") == 2
    assert any(g["name"].endswith(" Default") for g in guardrails)  # materialised default guardrail
    prod = next(g for g in guardrails if g["name"] == "prod policy" and g["allowed_models"])
    assert "anthropic/claude-4.6-sonnet-20260217" in prod["allowed_models"]
    key_assignments = _all(messy, "/guardrails/assignments/keys", "limit=100")
    assert sorted(a["key_name"] for a in key_assignments if a["guardrail_id"] == prod["id"]) == [
        "prod-backend",
        "prod-backend",
    ]
    assert len(_all(messy, "/guardrails/assignments/members")) == 3


def test_messy_account_other_resources(messy: Emulator) -> None:
    research = next(w for w in _all(messy, "/workspaces") if w["slug"] == "research")
    status, budgets = messy.call("GET", f"/workspaces/{research['id']}/budgets")
    assert status == 200 and len(budgets["data"]) == 4 and budgets["include_byok_in_budgets"] is True
    assert len(_all(messy, "/byok")) == 2
    destinations = _all(messy, "/observability/destinations")
    assert {d["type"] for d in destinations} == {"langfuse", "webhook"}
    assert "emulated-seed-token" not in str(destinations)  # header values come back masked
    presets = [p for w in _all(messy, "/workspaces") for p in _all(messy, "/presets", f"workspace_id={w['id']}")]
    assert {p["slug"] for p in presets} == {"support-bot", "paper-summariser"}
    status, versions = messy.call("GET", "/presets/support-bot/versions")
    assert versions["total_count"] == 3
    # The temporary key used to write the research preset is gone.
    assert all("orctl-seed" not in k["name"] for k in _all(messy, "/keys", f"workspace_id={research['id']}"))
    status, org = messy.call("GET", "/organization/members")
    assert org["total_count"] == 5 and org["data"][0]["email"] == "maria.lopez@acme.example"
    assert messy.call("GET", "/credits")[1]["data"] == {"total_credits": 250.0, "total_usage": 87.32}


def test_seed_keeps_a_given_management_key() -> None:
    secret = "sk-or-mgmt-" + "5" * 64
    assert emulator_from_seed({"management_key": secret}).management_key == secret


@pytest.mark.parametrize(
    ("seed", "fragment"),
    [
        ({"format": "something-else"}, "seed format must be"),
        ({"colour": 1}, "seed: unknown field(s) colour"),
        ({"workspaces": [{"slug": "Bad Slug", "name": "x"}]}, "workspaces[0]: the API refused POST /workspaces (400)"),
        (
            {"workspaces": [{"slug": "default", "keys": [{"name": "k", "expires": 1}]}]},
            "workspaces[0].keys[0]: unknown",
        ),
        (
            {"workspaces": [{"slug": "default", "guardrails": [{"name": "g", "keys": ["nope"]}]}]},
            "workspaces[0].guardrails[0].keys: no key named 'nope'",
        ),
        (
            {"workspaces": [{"slug": "default", "budgets": {"monthly": 10, "daily": 20}}]},
            "workspaces[0].budgets.daily",
        ),
        ({"workspaces": [{"slug": "default", "members": ["who@nowhere"]}]}, "no organization member"),
        ({"members": []}, "list at least one member"),
    ],
)
def test_bad_seeds_name_the_location(seed: dict[str, Any], fragment: str) -> None:
    with pytest.raises(SeedError) as caught:
        emulator_from_seed(seed)
    assert fragment in str(caught.value)


def test_load_seed_file_errors(tmp_path: Path) -> None:
    with pytest.raises(SeedError, match="cannot read seed file"):
        load_seed_file(tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(SeedError, match="not valid JSON"):
        load_seed_file(broken)
