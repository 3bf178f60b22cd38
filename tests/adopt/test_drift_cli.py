"""`orctl drift` as the nightly job runs it: export an account, then change it by hand (a key's
limit, a guardrail's providers, a preset, a new key) and see each difference named and classed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from adopt_support import Account, orctl


def _adopted(account: Account) -> None:
    assert orctl("export", "-o", "orctl", env=account.env()).exit_code == 0
    applied = orctl("apply", "-c", "orctl", "--auto-approve", env=account.env())  # the renames, if any
    assert applied.exit_code == 0, applied.output


def _dashboard_edits(account: Account) -> None:
    """What a person does in the dashboard: raise a cap, widen a guardrail, edit a preset, add a key."""
    prod = account.key_hash("default", "prod-backend")
    account.http("PATCH", f"/keys/{prod}", {"limit": 250})
    policy = account.guardrail_id("default", "prod policy")
    account.http("PATCH", f"/guardrails/{policy}", {"allowed_providers": ["anthropic", "deepinfra"]})
    added = account.http("POST", "/keys", {"name": "dashboard-key", "workspace_id": account.workspace_id("default")})
    account.http(
        "POST",
        "/presets/support-bot/chat/completions",
        {"model": "openai/gpt-4.1-mini", "temperature": 0.9, "messages": [{"role": "system", "content": "Be chatty."}]},
        key=added["key"],
    )


def _drift(account: Account, *args: str) -> tuple[int, str]:
    result = orctl("drift", "-c", "orctl", *args, env=account.env())
    return result.exit_code, result.output


def _classes(output: str) -> dict[str, str]:
    return {d["address"]: d["class"] for d in json.loads(output)["differences"]}


def test_a_freshly_adopted_account_has_no_drift(handmade: Account) -> None:
    _adopted(handmade)
    code, output = _drift(handmade)
    assert code == 0, output
    assert output.startswith("No drift: the account matches the config.")


def test_dashboard_edits_are_named_with_their_class(messy: Account) -> None:
    _adopted(messy)
    assert _drift(messy, "--ignore", _ignore([{"address": "byok_key:default/(unnamed*", "reason": "no name"}]))[0] == 0
    _dashboard_edits(messy)
    code, output = _drift(messy, "--output", "json")
    assert code == 2, output
    assert _classes(output) == {
        "api_key:default/prod-backend": "changed",
        "guardrail:default/prod policy": "changed",
        "preset:default/support-bot": "changed",
        "api_key:default/dashboard-key": "unmanaged",
        "byok_key:default/(unnamed anthropic " + _unnamed_id(output) + ")": "unmanaged",
    }
    differences = {d["address"]: d for d in json.loads(output)["differences"]}
    limit = differences["api_key:default/prod-backend"]
    assert [(f["field"], f["live"], f["config"]) for f in limit["fields"]] == [("limit", 250, 100)]
    assert limit["live_updated_at"] and limit["apply_would"] == "update"
    providers = [(f["field"], f["live"], f["config"]) for f in differences["guardrail:default/prod policy"]["fields"]]
    assert providers == [("allowed_providers", ["anthropic", "deepinfra"], ["anthropic", "google-vertex", "openai"])]
    text = _drift(messy)[1]
    assert "~ changed   api_key:default/prod-backend" in text
    assert "      limit: live 250, config 100" in text
    assert "? unmanaged api_key:default/dashboard-key" in text
    # drift writes nothing: the account still holds the hand-made values.
    assert next(k for k in messy.keys("default") if k["name"] == "prod-backend")["limit"] == 250


def test_a_deleted_key_is_missing_and_an_ignore_entry_silences_drift_until_it_expires(handmade: Account) -> None:
    _adopted(handmade)
    handmade.http("DELETE", f"/keys/{handmade.key_hash('support', 'nightly-report')}")
    code, output = _drift(handmade, "--output", "json")
    assert code == 2 and _classes(output) == {"api_key:support/nightly-report": "missing"}
    ignored = _ignore([{"address": "api_key:support/nightly-*", "reason": "retired on purpose", "until": "2999-12-31"}])
    code, output = _drift(handmade, "--ignore", ignored)
    assert code == 0, output
    assert (
        "Ignored (1, from --ignore):\n  missing   api_key:support/nightly-report: retired on purpose (until 2999-12-31)"
        in output
    )
    expired = _ignore(["api_key:other/*", {"address": "api_key:support/*", "until": "2020-01-01"}])
    code, output = _drift(handmade, "--ignore", expired)
    assert code == 2
    assert "Warning: ignore entry api_key:support/* expired on 2020-01-01: it no longer ignores anything" in output


def test_the_markdown_is_the_body_of_one_issue(messy: Account) -> None:
    _adopted(messy)
    _dashboard_edits(messy)
    code, body = _drift(messy, "--output", "markdown", "--ignore", _ignore(["byok_key:default/(unnamed*"]))
    assert code == 2
    lines = body.splitlines()
    assert lines[0] == "<!-- orctl-drift -->"
    assert lines[1] == "**Drift: 4 differences between the config and the account (3 changed, 1 unmanaged).**"
    assert "### Workspace `default`" in body
    assert "#### ~ changed: `api_key:default/prod-backend`" in body
    assert "| `limit` | `250` | `100` |" in body
    assert "- **Keep the live value:** change the config of `api_key:default/prod-backend`" in body
    assert "- **Revert the account:** run `orctl apply`; it will update `api_key:default/prod-backend` back" in body
    assert "#### ? unmanaged: `api_key:default/dashboard-key`" in body
    assert "`orctl export --target 'api_key:default/dashboard-key' -o adopted`" in body
    assert "<details><summary>No credit limit (" in body
    assert "<details><summary>Ignored (1)</summary>" in body
    assert "sk-or-" not in body


def test_key_hygiene_reads_last_used_at_and_usage_when_the_api_gives_them(handmade: Account, tamper: Any) -> None:
    _adopted(handmade)

    def old_use(request: Any, response: Any) -> Any:
        if request.method == "GET" and request.url.path.endswith("/v1/keys"):
            payload = response.json()
            for key in payload["data"]:
                key["last_used_at"] = "2020-01-01T00:00:00Z"
                key["created_at"] = "2019-06-01T00:00:00Z"
                if key["name"] == "triage-bot":
                    key["limit_remaining"] = 1.5
            return type(response)(200, json=payload, request=request)
        return None

    tamper(old_use)
    code, output = _drift(handmade, "--output", "json")
    assert code == 0, output  # hygiene alone is not drift
    hygiene = {(n["check"], n["address"]) for n in json.loads(output)["hygiene"]}
    assert ("idle", "api_key:support/triage-bot") in hygiene and ("idle", "api_key:support/nightly-report") in hygiene
    assert ("near-cap", "api_key:support/triage-bot") in hygiene
    assert ("no-expiry", "api_key:support/triage-bot") in hygiene
    text = _drift(handmade)[1]
    assert "near-cap  api_key:support/triage-bot is near its cap: $1.5 of $25 left this month" in text
    assert "idle      api_key:support/triage-bot has been idle for over 90 days (last used 2020-01-01)" in text


def test_drift_errors_exit_1_and_help_has_examples(handmade: Account) -> None:
    Path("bad.yaml").write_text("address: not-a-list\n", encoding="utf-8")
    result = orctl("drift", "-c", "nowhere", env=handmade.env())
    assert result.exit_code == 1
    _adopted(handmade)
    result = orctl("drift", "-c", "orctl", "--ignore", "bad.yaml", env=handmade.env())
    assert result.exit_code == 1
    assert "Error: --ignore bad.yaml: must be a YAML list" in result.output
    result = orctl("drift", "-c", "orctl", "--ignore", _ignore([{"adress": "x"}]), env=handmade.env())
    assert result.exit_code == 1 and "entry 1: unknown field(s) adress" in result.output
    assert "Traceback" not in result.output
    help_text = orctl("drift", "--help").output
    assert "Examples:" in help_text and "--output markdown" in help_text


def _ignore(entries: list[Any]) -> str:
    path = Path("drift-ignore.yaml")
    path.write_text(json.dumps(entries), encoding="utf-8")  # JSON is YAML
    return str(path)


def _unnamed_id(output: str) -> str:
    address = next(d["address"] for d in json.loads(output)["differences"] if "unnamed" in d["address"])
    return address.rsplit(" ", 1)[1].rstrip(")")
