"""`orctl drift` of a key-per-customer workspace stays readable: unmanaged objects and key hygiene
notes beyond 20 of a kind are counted, not listed one per line (text and the markdown issue body),
`--show-all-unmanaged` lists every one, and JSON always does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import orctl

from openrouter_iac.drift import render as drift_render

CUSTOMERS = 25


@pytest.fixture(autouse=True)
def _account(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    seed = {
        "format": "orctl-emulator-seed/1",
        "workspaces": [
            {"slug": "default"},
            {
                "slug": "shop",
                "name": "Shop",
                "keys": [{"name": "checkout", "limit": 5, "limit_reset": "monthly"}]
                + [{"name": f"customer-{i:03d}", "limit": 1, "limit_reset": "monthly"} for i in range(CUSTOMERS)],
                "guardrails": [{"name": "spare"}],
            },
        ],
    }
    Path("seed.json").write_text(json.dumps(seed), encoding="utf-8")
    assert orctl("emulator", "init", "--seed", "seed.json").exit_code == 0
    Path("orctl.yaml").write_text(
        "version: 1\nworkspaces:\n  shop:\n    name: Shop\n    keys:\n"
        "      checkout: {limit: 5, limit_reset: monthly}\n",
        encoding="utf-8",
    )


def _drift(*flags: str) -> str:
    result = orctl("drift", "--emulator", *flags)
    assert result.exit_code == 2, result.output
    return result.stdout


def test_text_counts_a_large_group_and_lists_a_small_one() -> None:
    text = _drift()
    assert text.startswith(f"Drift: {CUSTOMERS + 1} differences between the config and the account")
    assert (
        f"  ? unmanaged {CUSTOMERS} api_key in workspace shop (not declared in the config), "
        "e.g. api_key:shop/customer-000, api_key:shop/customer-001, api_key:shop/customer-002"
    ) in text
    assert "api_key:shop/customer-010" not in text
    assert "  ? unmanaged guardrail:shop/spare" in text  # one of its kind: listed
    assert "(more than 20 of a kind in a workspace are counted; --show-all-unmanaged lists all)" in text
    # Hygiene: every key never expires; counted past 20 too.
    assert f"  no-expiry {CUSTOMERS + 1} keys that never expire, e.g. api_key:shop/checkout" in text
    assert len(text.splitlines()) < 30


def test_markdown_issue_body_counts_a_large_group() -> None:
    body = _drift("--output", "markdown")
    assert f"#### ? unmanaged: {CUSTOMERS} `api_key` in workspace `shop`" in body
    assert "`orctl export --target 'api_key:shop/*' -o adopted`" in body
    assert "customer-010" not in body
    assert "#### ? unmanaged: `guardrail:shop/spare`" in body
    assert f"No expiry ({CUSTOMERS + 1})" in body
    assert "`--show-all-unmanaged` lists all" in body
    assert len(body) < 6000


def test_show_all_lists_every_object_and_json_always_does() -> None:
    text = _drift("--show-all-unmanaged")
    assert all(f"? unmanaged api_key:shop/customer-{i:03d}" in text for i in range(CUSTOMERS))
    assert all(f"no-expiry api_key:shop/customer-{i:03d} never expires" in text for i in range(CUSTOMERS))
    document = json.loads(_drift("--output", "json"))
    assert len([d for d in document["differences"] if d["kind"] == "api_key"]) == CUSTOMERS
    assert len([n for n in document["hygiene"] if n["check"] == "no-expiry"]) == CUSTOMERS + 1


def test_an_issue_body_too_long_for_github_ends_at_a_section_with_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(drift_render, "ISSUE_LIMIT", 3000)  # as 55,000 characters would on a real account
    body = _drift("--output", "markdown", "--show-all-unmanaged")
    assert len(body) <= 3000
    assert body.endswith("\n\n" + drift_render.TOO_LONG_NOTE + "\n")
    kept = body.removesuffix(drift_render.TOO_LONG_NOTE + "\n")
    assert kept.count("#### ") == kept.count("Two ways out:")  # every section it keeps is whole
    assert kept.count("<details>") == kept.count("</details>")
