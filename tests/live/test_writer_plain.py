"""The generic writer: a kind declared with `writes` and `body` is written with no code of its own.

A toy kind (`routing_rule` at `/routing-rules`, as docs/architecture.md adds one) is written
through :class:`PlainWriter` against a recording client: the calls, the ids it learns and the
context its body gets.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, cast

import pytest
from pydantic import BaseModel

from openrouter_iac.client import OpenRouterClient
from openrouter_iac.errors import AmbiguousWriteError, ApplyError, ConflictError, NotFoundError
from openrouter_iac.kinds import BY_NAME
from openrouter_iac.kinds.base import WriteContext
from openrouter_iac.live import writer as writer_module
from openrouter_iac.live.writer import ApplyContext, Writer
from openrouter_iac.live.writer_plain import PlainWriter, write_path
from openrouter_iac.model.address import Address, KindName
from openrouter_iac.plan.model import Change, FieldChange

WS_ID = "ws-0001"
TOY: KindName = "guardrail"  # the literal is closed: the toy borrows a name
ADDRESS = Address.of(TOY, "lab", "eu-only")


class RoutingRule(BaseModel):
    target: str
    keys: list[str] | None = None
    token: str | None = None


contexts: list[WriteContext] = []


def toy_body(context: WriteContext) -> dict[str, Any]:
    contexts.append(context)
    spec = context.spec(RoutingRule)
    body: dict[str, Any] = {
        "name": context.name,
        "target": spec.target,
        "api_key_hashes": context.key_hashes(spec.keys),
    }
    if context.sends_secrets and spec.token:
        body["token"] = context.secret(spec.token)
    return body


KIND = dataclasses.replace(
    BY_NAME["guardrail"], spec=RoutingRule, writes="/routing-rules", body=toy_body, secret_field=None
)


class Recorder:
    """The client calls a write makes; creates answer with a new id, or fail ambiguously."""

    def __init__(self, *, ambiguous: int = 0, listed: list[dict[str, Any]] | None = None, gone: bool = False) -> None:
        self.calls: list[tuple[str, str, Any]] = []
        self.ambiguous = ambiguous
        self.listed = listed or []
        self.gone = gone

    def post(self, path: str, *, json: Any, resource: str, idempotent: bool = False, params: Any = None) -> Any:
        self.calls.append(("POST", path, json))
        if self.ambiguous:
            self.ambiguous -= 1
            raise AmbiguousWriteError("timed out", resource=resource)
        made = {"id": f"new-{len(self.calls)}", **json}
        if path == "/workspaces":
            made["default_guardrail_id"] = f"default-{len(self.calls)}"
        return {"data": made}

    def patch(self, path: str, *, json: Any, resource: str, idempotent: bool = True) -> Any:
        self.calls.append(("PATCH", path, json))
        return {"data": json}

    def delete(self, path: str, *, params: Any = None, resource: str) -> Any:
        self.calls.append(("DELETE", path, None))
        if self.gone:
            raise NotFoundError("no such object", resource=resource, status=404)
        return {"deleted": True}

    def list_all(self, path: str, *, params: Any = None, resource: str) -> list[dict[str, Any]]:
        self.calls.append(("LIST", path, params))
        return self.listed


def plain(client: Recorder, ids: dict[str, str] | None = None, tmp: Path = Path()) -> PlainWriter:
    known = {"workspace:lab": WS_ID, "api_key:lab/bot": "hash-bot"} if ids is None else ids
    return PlainWriter(cast(OpenRouterClient, client), known, tmp)


def change(action: str, *, live_id: str | None = None, fields: tuple[str, ...] = (), **spec: Any) -> Change:
    return Change.model_validate(
        {
            "action": action,
            "kind": TOY,
            "address": ADDRESS,
            "workspace": "lab",
            "name": "eu-only",
            "live_id": live_id,
            "desired": RoutingRule(**{"target": "eu", **spec}) if action != "delete" else None,
            "fields": [FieldChange(field=f, before=None, after=1) for f in fields],
        }
    )


def test_a_create_posts_the_kinds_body_with_its_workspace_and_learns_the_id() -> None:
    client = Recorder()
    writer = plain(client)
    written = writer.write(change("create", keys=["bot", "hash:abc"]), KIND)
    assert client.calls == [
        (
            "POST",
            "/routing-rules",
            {"name": "eu-only", "target": "eu", "api_key_hashes": ["hash-bot", "abc"], "workspace_id": WS_ID},
        )
    ]
    assert written.object_id == "new-1" and written.created is not None
    assert writer.ids[ADDRESS] == "new-1"
    context = contexts[-1]
    assert (context.name, context.creating, context.workspace_id, context.sends_secrets) == (
        "eu-only",
        True,
        WS_ID,
        True,
    )


def test_an_update_patches_the_object_and_keeps_its_id_under_the_new_name() -> None:
    client = Recorder()
    writer = plain(client, ids={})  # an update needs no workspace id: none is looked up
    writer.write(change("update", live_id="rr-1", fields=("target",)), KIND)
    assert client.calls == [
        ("PATCH", "/routing-rules/rr-1", {"name": "eu-only", "target": "eu", "api_key_hashes": None})
    ]
    assert writer.ids[ADDRESS] == "rr-1"
    context = contexts[-1]
    assert (context.creating, context.workspace_id, context.changed) == (False, None, frozenset({"target"}))


def test_a_delete_forgets_the_id_and_an_object_already_gone_is_reached() -> None:
    client = Recorder(gone=True)
    writer = plain(client, ids={ADDRESS: "rr-1"})
    writer.write(change("delete", live_id="rr-1"), KIND)
    assert client.calls == [("DELETE", "/routing-rules/rr-1", None)]
    assert ADDRESS not in writer.ids
    with pytest.raises(ApplyError, match="gives no live id"):
        writer.write(change("delete"), KIND)


def test_a_replace_creates_the_new_object_before_deleting_the_old_one() -> None:
    client = Recorder()
    writer = plain(client)
    writer.write(change("replace", live_id="rr-old"), KIND)
    assert [(verb, path) for verb, path, _ in client.calls] == [
        ("POST", "/routing-rules"),
        ("DELETE", "/routing-rules/rr-old"),
    ]
    assert writer.ids[ADDRESS] == "new-1"


def test_secrets_are_resolved_through_the_context(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORCTL_TOY_TOKEN", "toy-token-value")
    client = Recorder()
    plain(client).write(change("create", token="env:ORCTL_TOY_TOKEN"), KIND)
    assert client.calls[0][2]["token"] == "toy-token-value"
    with pytest.raises(ApplyError, match="no live id is known for api_key:lab/ghost"):
        plain(Recorder()).write(change("create", keys=["ghost"]), KIND)


def test_an_ambiguous_create_takes_the_object_it_made_never_the_one_it_replaces() -> None:
    listed = [{"id": "rr-old", "name": "eu-only"}, {"id": "rr-new", "name": "eu-only"}, {"id": "x", "name": "other"}]
    client = Recorder(ambiguous=1, listed=listed)
    writer = plain(client)
    writer.write(change("replace", live_id="rr-old"), KIND)
    assert [verb for verb, _, _ in client.calls] == ["POST", "LIST", "DELETE"]  # found: never a second POST
    assert client.calls[1] == ("LIST", "/routing-rules", {"workspace_id": WS_ID})
    assert writer.ids[ADDRESS] == "rr-new"
    twice = Recorder(ambiguous=2)
    with pytest.raises(AmbiguousWriteError):
        plain(twice).write(change("create"), KIND)
    assert [verb for verb, _, _ in twice.calls] == ["POST", "LIST", "POST", "LIST"]


def test_a_path_under_the_workspace_is_filled_in() -> None:
    client = Recorder()
    nested = dataclasses.replace(KIND, writes="/workspaces/{workspace_id}/routing-rules")
    plain(client).write(change("update", live_id="rr-1"), nested)
    assert client.calls[0][1] == f"/workspaces/{WS_ID}/routing-rules/rr-1"
    assert write_path("workspace_budget", "monthly", workspace_id=WS_ID) == f"/workspaces/{WS_ID}/budgets/monthly"
    with pytest.raises(ApplyError, match="needs guardrail_id"):
        write_path("guardrail_assignment")


def test_a_singleton_is_patched_at_its_path_and_never_deleted() -> None:
    client = Recorder()
    organization = BY_NAME["organization_settings"]
    settings = Change.model_validate(
        {
            "action": "update",
            "kind": "organization_settings",
            "address": "organization_settings",
            "desired": {"filtered_model_catalog": True},
            "fields": [{"field": "filtered_model_catalog", "before": False, "after": True}],
        }
    )
    plain(client, ids={}).write(settings)
    assert client.calls == [("PATCH", "/organization/settings", {"is_filtered_model_catalog_enabled": True})]
    with pytest.raises(ApplyError, match="cannot be deleted"):
        plain(client).write(settings.model_copy(update={"action": "delete"}), organization)


def test_a_kind_declaring_no_body_or_path_is_refused_with_its_name() -> None:
    with pytest.raises(ApplyError, match="declares no body"):
        plain(Recorder()).write(change("create"), dataclasses.replace(KIND, body=None))
    with pytest.raises(ApplyError, match="declares no write path"):
        write_path(dataclasses.replace(KIND, writes=None))


def test_a_kind_missing_from_the_mapping_is_one_apply_error(monkeypatch: pytest.MonkeyPatch) -> None:
    handlers = {k: v for k, v in writer_module.HANDLERS.items() if k != "guardrail"}
    monkeypatch.setattr(writer_module, "HANDLERS", handlers)
    writer = writer_with(Recorder(), {})
    with pytest.raises(ApplyError, match="orctl has no writes for the kind 'guardrail'"):
        writer.apply(change("create"))


def writer_with(client: Recorder, ids: dict[str, str]) -> Writer:
    return Writer(
        client=cast(OpenRouterClient, client),
        context=ApplyContext(ids),
        config_base_dir=Path(),
        sink_for=lambda _: None,  # type: ignore[arg-type,return-value]
        publisher_client=lambda _: None,  # type: ignore[arg-type,return-value]
        on_secret=lambda _: None,
    )


def test_a_handler_of_its_own_uses_the_generic_write_then_adds_its_part() -> None:
    client = Recorder()
    writer = writer_with(client, {"workspace:lab": WS_ID})
    created = Change.model_validate(
        {
            "action": "create",
            "kind": "guardrail",
            "address": "guardrail:lab/cap",
            "workspace": "lab",
            "name": "cap",
            "desired": {"members": ["user_b", "user_a"]},
        }
    )
    writer.apply(created)
    (post, members) = client.calls
    assert (post[0], post[1], post[2]["name"], post[2]["workspace_id"]) == ("POST", "/guardrails", "cap", WS_ID)
    assert members == ("POST", "/guardrails/new-1/assignments/members", {"member_user_ids": ["user_b", "user_a"]})
    assert writer.context.ids["guardrail:lab/cap"] == "new-1"
    # A workspace's create also makes its default guardrail: later changes find it by address.
    workspace = Change.model_validate(
        {"action": "create", "kind": "workspace", "address": "workspace:ops", "name": "ops", "desired": {"name": "Ops"}}
    )
    client.calls.clear()
    writer.apply(workspace)
    assert client.calls[0][:2] == ("POST", "/workspaces") and client.calls[0][2]["slug"] == "ops"
    assert writer.context.ids["default_guardrail:ops"] == "default-1"


def test_what_a_create_makes_too_is_recorded_and_forgotten_with_its_delete() -> None:
    # `creates_with` (kinds/workspace.py): the create's answer names the id of its default guardrail.
    client = Recorder()
    writer = writer_with(client, {})
    assert writer_module.HANDLERS["workspace"] is Writer._plain  # no handler of its own
    made = {
        "action": "create",
        "kind": "workspace",
        "address": "workspace:ops",
        "name": "ops",
        "desired": {"name": "Ops"},
    }
    writer.apply(Change.model_validate(made))
    assert writer.context.ids["workspace:ops"] == "new-1"
    assert writer.context.ids["default_guardrail:ops"] == "default-1"
    gone = {"action": "delete", "kind": "workspace", "address": "workspace:ops", "name": "ops", "live_id": "new-1"}
    writer.apply(Change.model_validate(gone))
    assert client.calls[-1] == ("DELETE", "/workspaces/new-1", None)
    assert "workspace:ops" not in writer.context.ids and "default_guardrail:ops" not in writer.context.ids


class Refusing(Recorder):
    def post(self, path: str, *, json: Any, resource: str, idempotent: bool = False, params: Any = None) -> Any:
        raise ConflictError("declared_region does not match the key", resource=resource, status=409)

    patch = post


def test_a_kinds_explanation_of_a_refused_write_becomes_the_errors_hint() -> None:
    # `explain_refusal` (kinds/byok_key.py): only a refused region that this write changes is explained.
    byok = {"provider": "openai", "key": "env:X", "declared_region": "europe"}
    base = {"kind": "byok_key", "address": "byok_key:lab/openai", "workspace": "lab", "name": "openai"}
    update = Change.model_validate(
        {**base, "action": "update", "live_id": "b-1", "desired": byok, "fields": [{"field": "declared_region"}]}
    )
    writer = writer_with(Refusing(), {})
    assert writer_module.HANDLERS["byok_key"] is Writer._plain
    with pytest.raises(ConflictError) as refused:
        writer.apply(update)
    assert (
        refused.value.hint is not None
        and "declared_region 'europe' must suit the openai credential" in refused.value.hint
    )
    other = update.model_copy(update={"fields": [FieldChange(field="allowed_models", before=None, after=["x"])]})
    with pytest.raises(ConflictError) as plain_refusal:
        writer.apply(other)
    assert plain_refusal.value.hint is None
