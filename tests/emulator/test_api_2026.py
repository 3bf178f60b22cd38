"""The API as it stands in late 2026 (shared reference: the API changes of 2026), as the emulator
answers it: new key, guardrail, workspace, BYOK and destination fields, preset archive and restore
per workspace, default-workspace deletion, global BYOK credentials and read-only management keys."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from emulator_support import FakeClock, error, new_key, new_workspace, ok

from openrouter_iac.emulator import IN_PROCESS_BASE_URL, EmbeddedEmulator, Emulator, emulator_from_seed

CHAT = {"model": "openai/gpt-5", "messages": [{"role": "user", "content": "hi"}]}
ADMIN = IN_PROCESS_BASE_URL.removesuffix("/api/v1") + "/_emulator"
OPENAI_EU = json.dumps({"api_key": "sk-proj-fake-test-only", "region": "europe"})


def _names(listing: dict[str, Any]) -> list[str]:
    return sorted(item["name"] for item in listing["data"])


# -- keys ------------------------------------------------------------------------------------


def test_expired_keys_are_listed_only_when_asked(client: httpx.Client, clock: FakeClock) -> None:
    new_key(client, "lasting")
    new_key(client, "short", expires_at="2026-03-02T10:00:00Z")
    assert _names(ok(client.get("/keys"))) == ["lasting", "short"]
    clock.advance(hours=1)
    assert _names(ok(client.get("/keys"))) == ["lasting"]
    assert _names(ok(client.get("/keys", params={"include_expired": "true"}))) == ["lasting", "short"]
    assert _names(ok(client.get("/keys", params={"include_expired": "false"}))) == ["lasting"]
    error(client.get("/keys", params={"include_expired": "yes"}), 400)


def test_new_key_fields(client: httpx.Client) -> None:
    key, _ = new_key(client, "plain")
    assert key["external_user"] is None and key["last_used_at"] is None
    partner, _ = new_key(client, "partner", external={"user": "  end-user-42 ", "api_key": "p" * 40})
    assert partner["external_user"] == "end-user-42"
    fetched = ok(client.get(f"/keys/{partner['hash']}"))["data"]
    assert fetched["external_user"] == "end-user-42"
    assert "p" * 40 not in json.dumps(fetched) and "api_key" not in fetched
    assert "end-user-42" in [k["external_user"] for k in ok(client.get("/keys"))["data"]]
    assert "external" in error(client.patch(f"/keys/{partner['hash']}", json={"external": {"user": "x"}}), 400)
    assert "external.api_key" in error(
        client.post("/keys", json={"name": "k", "external": {"user": "u", "api_key": "short"}}), 400
    )
    assert "external.user" in error(client.post("/keys", json={"name": "k", "external": {"user": "   "}}), 400)


@pytest.mark.parametrize(
    ("expires_at", "accepted"),
    [
        ("2027-06-30T00:00:00Z", True),
        ("2027-06-30T00:00:00.250Z", True),
        ("2027-06-30T00:00:00+00:00", True),
        ("2027-06-30T00:00Z", False),
    ],
)
def test_expires_at_must_include_seconds(client: httpx.Client, expires_at: str, accepted: bool) -> None:
    response = client.post("/keys", json={"name": "k", "expires_at": expires_at})
    if accepted:
        ok(response, 201)
    else:
        assert "expires_at must include seconds (YYYY-MM-DDTHH:MM:SSZ)" in error(response, 400)


def test_current_key_names_its_organization_and_workspace(
    client: httpx.Client, as_key: Callable[[str], httpx.Client], emulator: Emulator
) -> None:
    workspace = new_workspace(client)
    _, secret = new_key(client, workspace_id=workspace["id"])
    mine = ok(as_key(secret).get("/key"))["data"]
    with emulator.locked() as state:
        organization = state.organization["id"]
    assert (mine["organization_id"], mine["workspace_id"]) == (organization, workspace["id"])
    assert mine["allowed_data_regions"] is None and "free_model_daily_requests" in mine
    management = ok(client.get("/key"))["data"]
    assert (management["organization_id"], management["workspace_id"]) == (organization, None)


# -- guardrails ------------------------------------------------------------------------------


def test_guardrail_newer_fields(client: httpx.Client) -> None:
    created = ok(client.post("/guardrails", json={"name": "g"}), 201)["data"]
    assert created["enforce_first_party_harness_models"] is None and created["allowed_data_regions"] is None
    body = {
        "enforce_first_party_harness_models": True,
        "allowed_data_regions": ["europe"],
        "content_filter_builtins": [{"slug": "secrets", "action": "redact"}],
    }
    updated = ok(client.patch(f"/guardrails/{created['id']}", json=body))["data"]
    assert updated["enforce_first_party_harness_models"] is True
    assert updated["allowed_data_regions"] == ["europe"]
    assert updated["content_filter_builtins"] == [{"slug": "secrets", "action": "redact", "label": "[SECRET]"}]
    error(client.patch(f"/guardrails/{created['id']}", json={"allowed_data_regions": []}), 400)
    error(client.patch(f"/guardrails/{created['id']}", json={"enforce_first_party_harness_models": "yes"}), 400)


# -- workspaces ------------------------------------------------------------------------------


def test_disabled_server_tools(client: httpx.Client) -> None:
    workspace = new_workspace(client, disabled_server_tools=["openrouter:web_search", "openrouter:bash"])
    assert workspace["disabled_server_tools"] == ["openrouter:web_search", "openrouter:bash"]
    path = f"/workspaces/{workspace['id']}"
    for cleared in ([], None):
        ok(client.patch(path, json={"disabled_server_tools": ["openrouter:shell"]}))
        assert ok(client.patch(path, json={"disabled_server_tools": cleared}))["data"]["disabled_server_tools"] is None
    assert "must be one of" in error(client.patch(path, json={"disabled_server_tools": ["web_search"]}), 400)
    assert ok(client.get("/workspaces/default"))["data"]["disabled_server_tools"] is None


def test_deleting_the_default_workspace_needs_confirmation(client: httpx.Client) -> None:
    default = ok(client.get("/workspaces/default"))["data"]
    key, _ = new_key(client, "unscoped")
    new_workspace(client, "other")
    message = error(client.delete("/workspaces/default"), 403)
    assert "confirm_default_workspace_deletion=true" in message
    error(client.delete("/workspaces/default", params={"confirm_default_workspace_deletion": "false"}), 403)
    ok(client.delete("/workspaces/default", params={"confirm_default_workspace_deletion": "true"}))
    assert [w["slug"] for w in ok(client.get("/workspaces"))["data"]] == ["other"]
    # Its unscoped inference keys are disabled; the management key is retained.
    assert ok(client.get(f"/keys/{key['hash']}"))["data"]["disabled"] is True
    # Without a default workspace, omitting workspace_id is a 400.
    assert "pass workspace_id explicitly" in error(client.get("/keys"), 400)
    assert "pass workspace_id explicitly" in error(client.post("/guardrails", json={"name": "g"}), 400)
    error(client.get(f"/workspaces/{default['id']}"), 404)


def test_the_confirmation_is_ignored_for_other_workspaces(client: httpx.Client) -> None:
    workspace = new_workspace(client)
    ok(client.delete(f"/workspaces/{workspace['id']}", params={"confirm_default_workspace_deletion": "true"}))
    assert ok(client.get("/workspaces/default"))["data"]["slug"] == "default"


# -- presets ---------------------------------------------------------------------------------


def test_preset_without_messages_is_refused(client: httpx.Client) -> None:
    message = error(client.post("/presets/p/chat/completions", json={"model": "openai/gpt-5", "messages": []}), 400)
    assert '"messages" must have at least 1 item(s)' in message


def test_archive_and_restore(client: httpx.Client) -> None:
    ok(client.post("/presets/bot/chat/completions", json=CHAT))
    assert ok(client.delete("/presets/bot")) == {"deleted": True}
    error(client.get("/presets/bot"), 404)
    error(client.get("/presets/bot/versions"), 404)
    assert ok(client.get("/presets"))["total_count"] == 0
    ok(client.delete("/presets/bot"))  # archiving again succeeds
    # The slug stays taken: no new preset, no new version until it is restored.
    assert "restore it with POST /presets/{slug}/restore" in error(
        client.post("/presets/bot/chat/completions", json=CHAT), 409
    )
    restored = ok(client.post("/presets/bot/restore"))["data"]
    assert restored["status"] == "active" and restored["designated_version"]["version"] == 1
    assert ok(client.post("/presets/bot/restore"))["data"]["status"] == "active"  # active: unchanged
    assert ok(client.post("/presets/bot/chat/completions", json=CHAT))["data"]["designated_version"]["version"] == 2
    error(client.delete("/presets/nothing"), 404)
    error(client.post("/presets/nothing/restore"), 404)


def test_one_slug_in_two_workspaces(client: httpx.Client) -> None:
    team = new_workspace(client)
    scoped = {"workspace_id": team["id"]}
    ok(client.post("/presets/bot/chat/completions", json=CHAT))
    ok(client.post("/presets/bot/chat/completions", params=scoped, json={**CHAT, "temperature": 0.5}))
    ok(client.delete("/presets/bot", params=scoped))
    error(client.get("/presets/bot", params=scoped), 404)
    assert ok(client.get("/presets/bot"))["data"]["designated_version"]["config"] == {"model": "openai/gpt-5"}
    # workspace_id may also come as a JSON body field on archive and restore.
    restored = ok(client.post("/presets/bot/restore", json={"workspace_id": team["id"]}))["data"]
    assert restored["workspace_id"] == team["id"]
    assert ok(client.get("/presets/bot/versions/1", params=scoped))["data"]["config"]["temperature"] == 0.5


def test_archive_and_restore_need_a_management_key(client: httpx.Client, as_key: Callable[[str], httpx.Client]) -> None:
    _, secret = new_key(client)
    inference = as_key(secret)
    ok(inference.post("/presets/bot/chat/completions", json=CHAT))
    assert "Only management keys" in error(inference.delete("/presets/bot"), 403)
    error(inference.post("/presets/bot/restore"), 403)


def test_a_disabled_preset_answers_409(client: httpx.Client, emulator: Emulator) -> None:
    created = ok(client.post("/presets/bot/chat/completions", json=CHAT))["data"]
    with emulator.locked() as state:
        state.presets[created["id"]]["status"] = "disabled"
    assert "disabled" in error(client.delete("/presets/bot"), 409)
    error(client.post("/presets/bot/restore"), 409)
    error(client.post("/presets/bot/chat/completions", json=CHAT), 409)


# -- BYOK ------------------------------------------------------------------------------------


def test_byok_newer_fields_and_their_defaults(client: httpx.Client) -> None:
    plain = ok(client.post("/byok", json={"provider": "anthropic", "key": "sk-ant-fake"}), 201)["data"]
    assert (plain["is_required"], plain["is_byok_only"], plain["declared_zdr"], plain["declared_region"]) == (
        False,
        False,
        None,
        None,
    )
    body = {"is_required": True, "is_byok_only": True, "declared_zdr": True}
    updated = ok(client.patch(f"/byok/{plain['id']}", json=body))["data"]
    assert (updated["is_required"], updated["is_byok_only"], updated["declared_zdr"]) == (True, True, True)
    assert ok(client.patch(f"/byok/{plain['id']}", json={"declared_zdr": None}))["data"]["declared_zdr"] is None
    assert ok(client.patch(f"/byok/{plain['id']}", json={"disabled": True}))["data"]["is_byok_only"] is True


def test_byok_only_is_not_for_fallback_credentials(client: httpx.Client) -> None:
    both = {"provider": "anthropic", "key": "k", "is_fallback": True, "is_byok_only": True}
    assert "only valid on non-fallback credentials" in error(client.post("/byok", json=both), 400)
    fallback = ok(client.post("/byok", json={"provider": "anthropic", "key": "k", "is_fallback": True}), 201)["data"]
    error(client.patch(f"/byok/{fallback['id']}", json={"is_byok_only": True}), 400)
    ok(client.patch(f"/byok/{fallback['id']}", json={"is_fallback": False, "is_byok_only": True}))


def test_declared_region(client: httpx.Client) -> None:
    # OpenAI and Fireworks: the region comes from the key material.
    openai = ok(client.post("/byok", json={"provider": "openai", "key": OPENAI_EU}), 201)["data"]
    assert openai["declared_region"] == "europe"
    assert "does not match the region of the openai key" in error(
        client.patch(f"/byok/{openai['id']}", json={"declared_region": "us"}), 409
    )
    error(client.post("/byok", json={"provider": "openai", "key": OPENAI_EU, "declared_region": "us"}), 400)
    rotated = ok(client.patch(f"/byok/{openai['id']}", json={"key": "sk-proj-no-region"}))["data"]
    assert rotated["declared_region"] is None  # re-derived from the new key
    # Among the others only Azure accepts europe or us; global is accepted everywhere.
    azure = ok(client.post("/byok", json={"provider": "azure", "key": "k", "declared_region": "europe"}), 201)["data"]
    assert azure["declared_region"] == "europe"
    anthropic = ok(client.post("/byok", json={"provider": "anthropic", "key": "k", "declared_region": "global"}), 201)
    assert "only azure accepts europe or us" in error(
        client.patch(f"/byok/{anthropic['data']['id']}", json={"declared_region": "us"}), 409
    )
    error(client.post("/byok", json={"provider": "anthropic", "key": "k", "declared_region": "mars"}), 400)


def test_global_byok_credentials_are_seeded_and_listed_in_every_workspace() -> None:
    seed = {
        "workspaces": [{"slug": "team", "name": "Team"}],
        "global_byok": [{"provider": "anthropic", "key": "sk-ant-fake", "name": "shared"}],
    }
    emulator = emulator_from_seed(seed)
    status, workspaces = emulator.call("GET", "/workspaces")
    for workspace in workspaces["data"]:
        status, listed = emulator.call("GET", "/byok", query=f"workspace_id={workspace['id']}")
        assert status == 200 and [(b["name"], b["workspace_id"]) for b in listed["data"]] == [("shared", None)]
    status, one = emulator.call("GET", f"/byok/{listed['data'][0]['id']}")
    assert status == 200 and one["data"]["workspace_id"] is None


# -- observability ---------------------------------------------------------------------------

WEBHOOK = {"type": "webhook", "name": "hook", "config": {"url": "https://hooks.example/or"}}


def test_destination_regions(client: httpx.Client) -> None:
    created = ok(client.post("/observability/destinations", json=WEBHOOK), 201)["data"]
    assert created["regions"] == ["global"]
    path = f"/observability/destinations/{created['id']}"
    assert ok(client.patch(path, json={"regions": ["eu", "us", "europe"]}))["data"]["regions"] == ["europe", "us"]
    assert ok(client.patch(path, json={"enabled": False}))["data"]["regions"] == ["europe", "us"]  # omitted: kept
    assert "must not be null" in error(client.patch(path, json={"regions": None}), 400)  # cannot be cleared
    assert "at least 1 item" in error(client.patch(path, json={"regions": []}), 400)
    error(client.post("/observability/destinations", json={**WEBHOOK, "regions": []}), 400)
    error(client.post("/observability/destinations", json={**WEBHOOK, "regions": ["asia"]}), 400)
    eu = ok(client.post("/observability/destinations", json={**WEBHOOK, "name": "eu", "regions": ["eu"]}), 201)
    assert eu["data"]["regions"] == ["europe"]


def test_header_values_are_write_only(client: httpx.Client) -> None:
    body = {**WEBHOOK, "config": {"url": "https://hooks.example/or", "headers": {"X-Team": "platform-observability"}}}
    created = ok(client.post("/observability/destinations", json=body), 201)["data"]
    masked = created["config"]["headers"]["X-Team"]
    assert masked != "platform-observability" and "platform-observability" not in json.dumps(created)
    # The masked value sent back is ignored; a new value replaces the old one.
    path = f"/observability/destinations/{created['id']}"
    same = ok(client.patch(path, json={"config": {"headers": {"X-Team": masked}}}))["data"]
    assert same["config"]["headers"]["X-Team"] == masked
    changed = ok(client.patch(path, json={"config": {"headers": {"X-Team": "another-team-value"}}}))["data"]
    assert changed["config"]["headers"]["X-Team"] != masked


# -- total_count ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/workspaces", "/guardrails", "/byok", "/observability/destinations", "/presets", "/organization/members"],
)
def test_total_count_is_exact_on_every_page(client: httpx.Client, path: str) -> None:
    for index in range(3):
        new_workspace(client, f"w{index}")
        ok(client.post("/guardrails", json={"name": f"g{index}"}), 201)
        ok(client.post("/byok", json={"provider": "anthropic", "key": f"k{index}"}), 201)
        ok(client.post("/observability/destinations", json={**WEBHOOK, "name": f"h{index}"}), 201)
        ok(client.post(f"/presets/p{index}/chat/completions", json=CHAT))
    everything = ok(client.get(path, params={"limit": 100}))
    total = everything["total_count"]
    assert total == len(everything["data"]) >= 3
    seen = []
    for offset in range(0, total, 2):
        page = ok(client.get(path, params={"limit": 2, "offset": offset}))
        assert page["total_count"] == total
        seen += page["data"]
    assert len(seen) == total
    assert ok(client.get(path, params={"offset": total}))["data"] == []


def test_keys_and_budgets_have_no_total_count(client: httpx.Client) -> None:
    new_key(client)
    assert "total_count" not in ok(client.get("/keys"))
    assert "total_count" not in ok(client.get("/workspaces/default/budgets"))


# -- read-only management keys -------------------------------------------------------------


def _as(emulator: Emulator, secret: str) -> httpx.Client:
    headers = {"Authorization": f"Bearer {secret}"}
    return httpx.Client(transport=emulator.transport(), base_url=IN_PROCESS_BASE_URL, headers=headers)


def test_a_read_only_management_key_reads_and_never_writes(client: httpx.Client, emulator: Emulator) -> None:
    workspace = new_workspace(client)
    key, _ = new_key(client)
    with _as(emulator, emulator.issue_management_key(read_only=True)) as read_only:
        reads = ["/workspaces", "/keys", "/guardrails", "/byok", "/presets", "/organization/members"]
        reads += ["/organization/settings", "/guardrails/assignments/keys", f"/workspaces/{workspace['id']}"]
        for path in reads:
            ok(read_only.get(path))
        for method, path, body in (
            ("POST", "/keys", {"name": "k"}),
            ("PATCH", f"/keys/{key['hash']}", {"disabled": True}),
            ("DELETE", f"/keys/{key['hash']}", None),
            ("POST", "/workspaces", {"name": "X", "slug": "x"}),
            ("PUT", f"/workspaces/{workspace['id']}/budgets/monthly", {"limit_usd": 5}),
            ("PATCH", "/organization/settings", {"is_filtered_model_catalog_enabled": True}),
            ("DELETE", "/presets/p", None),
        ):
            response = read_only.request(method, path, json=body)
            assert "This management key is read-only" in error(response, 403), (method, path)
        assert error(read_only.put(f"{ADMIN}/faults", json={}), 403)
    assert ok(client.get(f"/keys/{key['hash']}"))["data"]["disabled"] is False


def test_read_only_keys_from_the_admin_route_the_seed_and_the_cli(tmp_path: Any, emulator: Emulator) -> None:
    with _as(emulator, emulator.management_key) as admin:
        issued_body = ok(admin.post(f"{ADMIN}/management-keys", json={"read_only": True}), 201)
        error(admin.post(f"{ADMIN}/management-keys", json={"read_only": "yes"}), 400)
    assert issued_body["read_only"] is True
    with _as(emulator, issued_body["key"]) as read_only:
        ok(read_only.get("/workspaces"))
        error(read_only.post("/workspaces", json={"name": "X", "slug": "x"}), 403)
    seeded = emulator_from_seed({"read_only_management_key": "sk-or-v1-" + "7" * 64})
    assert seeded.call("GET", "/workspaces", key="sk-or-v1-" + "7" * 64)[0] == 200
    assert seeded.call("POST", "/keys", {"name": "k"}, key="sk-or-v1-" + "7" * 64)[0] == 403
    assert seeded.call("POST", "/keys", {"name": "k"})[0] == 201  # the first key stays read-write

    from openrouter_iac.emulator.cli import emulator as emulator_cli

    state = tmp_path / "state.json"
    runner = CliRunner()
    assert runner.invoke(emulator_cli, ["init", "--state", str(state)]).exit_code == 0
    result = runner.invoke(emulator_cli, ["add-key", "--read-only", "--state", str(state)])
    assert result.exit_code == 0, result.output
    secret = result.output.strip()
    with EmbeddedEmulator(state) as embedded:
        assert embedded.emulator.call("GET", "/keys", key=secret)[0] == 200
        assert embedded.emulator.call("POST", "/keys", {"name": "k"}, key=secret)[0] == 403
        assert embedded.management_key != secret
    missing = runner.invoke(emulator_cli, ["add-key", "--state", str(tmp_path / "none.json")])
    assert missing.exit_code == 1 and "does not exist" in missing.output


def test_a_total_count_that_disagrees_with_the_pages_can_be_injected(clock: FakeClock) -> None:
    from openrouter_iac.emulator import FaultConfig

    emulator = Emulator(clock=clock, faults=FaultConfig.single(path_prefix="/workspaces", total_count_skew=10_000))
    status, body = emulator.call("GET", "/workspaces")
    assert status == 200 and body["total_count"] == 10_001 and len(body["data"]) == 1
    assert emulator.call("GET", "/guardrails")[1]["total_count"] == 0  # other lists: exact
    emulator.faults.configure(FaultConfig.single(total_count_skew=-5))
    assert emulator.call("GET", "/workspaces")[1]["total_count"] == 0
    assert "total_count" not in emulator.call("GET", "/keys")[1]
    assert emulator.faults.config.to_json()["rules"][0]["total_count_skew"] == -5
