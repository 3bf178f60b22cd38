"""The table of kinds is complete: every kind has every part, and nothing keeps a list of its own.

A kind added to the table but missing a writer handler, a reader list, a name rule or a place in
the plan's phases fails here, not at run time halfway through an apply.
"""

from __future__ import annotations

import dataclasses
import string
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

import openrouter_iac
from openrouter_iac.export.document import ENTRIES
from openrouter_iac.kinds import (
    BY_NAME,
    KINDS,
    NAMED,
    PHASES,
    PRUNABLE,
    WORKSPACE_FIELDS,
    WORKSPACE_NAMES,
    ResourceKind,
)
from openrouter_iac.live.reader import _LISTINGS, READ_APART
from openrouter_iac.live.writer import HANDLERS, SPECIAL, Writer, handlers
from openrouter_iac.model.address import KIND_NAMES, Address
from openrouter_iac.model.resources import Workspace
from openrouter_iac.model.traits import SERVER_COMPUTED, fields_with
from openrouter_iac.model.wire import plain_fields
from openrouter_iac.plan.model import LAYER, Change

IDS = [kind.name for kind in KINDS]
PACKAGE = Path(openrouter_iac.__file__).parent


def test_the_table_has_every_kind_once() -> None:
    assert sorted(IDS) == sorted(KIND_NAMES)
    assert len(set(IDS)) == len(IDS)
    assert set(LAYER) == set(KIND_NAMES)


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_every_kind_has_every_part(kind: ResourceKind) -> None:
    assert issubclass(kind.spec, BaseModel)
    assert 0 <= kind.layer <= 4
    assert kind.phase in PHASES and kind.delete_phase in PHASES
    assert kind.singular and kind.plural
    assert kind.name in HANDLERS, f"{kind.name} has no writes: declare writes= and body=, or a handler"
    for dependent in kind.dependents:
        assert dependent in BY_NAME
    if kind.collection is not None:
        assert kind.name_rule is not None, f"{kind.name} has names but no name rule"
        assert WORKSPACE_NAMES[kind.collection] is kind.name_rule
        assert kind.reads is not None, f"{kind.name} has names but the reader lists none"
        assert kind.from_api is not None or kind.name in READ_APART, f"{kind.name} has no from_api"
    for setting in kind.settings:
        assert setting in Workspace.model_fields, setting


def test_every_collection_of_a_workspace_belongs_to_a_kind() -> None:
    # A new `dict[str, Spec]` field on Workspace is a new named kind: it needs an entry in the table.
    collections = {
        name
        for name, info in Workspace.model_fields.items()
        if typing.get_origin(info.annotation) is dict and issubclass(typing.get_args(info.annotation)[1], BaseModel)
    }
    assert collections == {kind.collection for kind in NAMED}
    assert set(WORKSPACE_NAMES) == collections
    assert {kind.collection for kind in NAMED} <= WORKSPACE_FIELDS


def test_the_named_kinds_pruning_deletes_can_be_deleted() -> None:
    assert all(kind.deletable for kind in PRUNABLE)
    assert {kind.name for kind in NAMED} - {kind.name for kind in PRUNABLE} == {"preset"}


def test_deleting_a_workspace_removes_every_kind_inside_it() -> None:
    reachable: set[str] = set()
    todo = list(BY_NAME["workspace"].dependents)
    while todo:
        name = todo.pop()
        if name not in reachable:
            reachable.add(name)
            todo.extend(BY_NAME[name].dependents)
    assert reachable == set(KIND_NAMES) - {"organization_settings", "workspace"}


def test_deletes_come_bottom_up_after_every_create() -> None:
    creates = {kind.phase for kind in KINDS}
    first_delete = min(PHASES.index(kind.delete_phase) for kind in KINDS if kind.delete_phase not in creates)
    assert all(PHASES.index(phase) < first_delete for phase in creates)
    workspace = PHASES.index(BY_NAME["workspace"].delete_phase)
    assert all(PHASES.index(BY_NAME[d].delete_phase) < workspace for d in BY_NAME["workspace"].dependents)


def test_an_address_is_parsed_once_into_its_parts() -> None:
    address = Address.parse("api_key:healthcare/intake/v2")
    assert (address.kind, address.workspace, address.name) == ("api_key", "healthcare", "intake/v2")
    assert address == "api_key:healthcare/intake/v2"
    assert Address.of("workspace", "healthcare") == "workspace:healthcare"
    assert Address.parse("organization_settings").workspace is None
    assert Address.of("guardrail", "a", "b").in_workspace() == "workspace:a"
    with pytest.raises(ValueError, match="names no kind"):
        Address.parse("key:healthcare/x")


def test_a_change_carries_its_typed_spec_through_json() -> None:
    change = Change.model_validate(
        {
            "action": "update",
            "kind": "workspace_budget",
            "address": "workspace_budget:lab/monthly",
            "workspace": "lab",
            "name": "monthly",
            "desired": {"limit_usd": 40, "include_byok_in_budgets": True},
            "details": {"from": "old"},
        }
    )
    again = Change.model_validate_json(change.model_dump_json())
    assert again == change
    assert isinstance(again.address, Address) and again.address.kind == "workspace_budget"
    assert again.spec(BY_NAME["workspace_budget"].spec).model_dump() == {
        "limit_usd": 40,
        "include_byok_in_budgets": True,
    }
    assert again.details.from_ == "old"
    assert again.model_dump(mode="json")["details"] == {"from": "old"}


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_server_computed_fields_are_never_dumped(kind: ResourceKind) -> None:
    # Excluded from every dump, so no diff, fingerprint, saved plan or export sees them.
    for name in fields_with(kind.spec, SERVER_COMPUTED):
        assert kind.spec.model_fields[name].exclude is True, f"{kind.spec.__name__}.{name}"


SPECIAL_ON_THE_WIRE: dict[str, frozenset[str]] = {
    "Workspace": frozenset({"budgets", "include_byok_in_budgets"}),
    "GuardrailPolicy": frozenset({"budget", "zdr", "content_filters", "sensitive_info", "prompt_injection"}),
    "Guardrail": frozenset({"budget", "zdr", "content_filters", "sensitive_info", "prompt_injection", "members"}),
    "ApiKey": frozenset({"guardrail"}),
    "ByokKey": frozenset({"allowed_keys"}),
    "ObservabilityDestination": frozenset({"config", "api_keys"}),
    "Preset": frozenset({"model", "models", "system_prompt", "parameters", "provider"}),
}
"""Fields a kind's own module maps (kinds/<kind>.py); every other field is a plain `Wire` field (a
spec with none, like `OrganizationSettings`, has no row)."""


PAYLOADS = frozenset({"BudgetWrite", "MembersWrite", "AssignmentWrite"})
"""Payloads of kinds whose writes are all special (their handlers build the requests)."""


@pytest.mark.parametrize("kind", [k for k in KINDS if k.spec.__name__ not in PAYLOADS], ids=lambda k: k.name)
def test_every_field_is_on_the_wire(kind: ResourceKind) -> None:
    # A new field without `Wire` (and not a kind's special case) would silently never be sent.
    spec = kind.spec
    # A kind whose fields are all plain needs no row: a field it maps by hand fails here until listed.
    config_only: frozenset[str] = getattr(spec, "CONFIG_ONLY", frozenset())
    plain = {p.field for p in plain_fields(spec)}
    children = WORKSPACE_FIELDS - {"budgets", "include_byok_in_budgets"} if spec is Workspace else frozenset()
    unmapped = (
        set(spec.model_fields) - config_only - plain - SPECIAL_ON_THE_WIRE.get(spec.__name__, frozenset()) - children
    )
    assert unmapped == set()


def test_export_writes_every_named_kind() -> None:
    # A plain kind is written as its spec's dump (no entry needed); an entry names a named kind.
    assert set(ENTRIES) <= {kind.name for kind in NAMED}


WRITTEN_AT = {
    "organization_settings": "/organization/settings",
    "workspace": "/workspaces",
    "workspace_members": "/workspaces/{workspace_id}/members",
    "workspace_budget": "/workspaces/{workspace_id}/budgets",
    "default_guardrail": "/guardrails",
    "guardrail": "/guardrails",
    "api_key": "/keys",
    "guardrail_assignment": "/guardrails/{guardrail_id}/assignments/keys",
    "byok_key": "/byok",
    "observability_destination": "/observability/destinations",
    "preset": "/presets",
}


def test_every_kind_says_where_it_is_written() -> None:
    written = {kind.name: kind.writes for kind in KINDS}
    assert None not in written.values()
    assert {name: written[name] for name in WRITTEN_AT} == WRITTEN_AT


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_every_kind_is_written_by_its_declaration_or_a_handler_of_its_own(kind: ResourceKind) -> None:
    if kind.name in SPECIAL:
        assert HANDLERS[kind.name] is SPECIAL[kind.name]
        return
    # Written by the generic writer: its path and body are all it has (no line in live/writer.py).
    assert kind.writes is not None, f"{kind.name}: neither writes= nor a handler in live/writer.py SPECIAL"
    assert kind.body is not None, f"{kind.name}: writes= without body= (and no handler in live/writer.py SPECIAL)"
    placeholders = {field for _, field, _, _ in string.Formatter().parse(kind.writes) if field}
    assert placeholders <= {"workspace_id"}, "the generic writer fills in only the workspace's id"
    assert HANDLERS[kind.name] is Writer._plain


def test_only_the_kinds_with_writes_of_their_own_have_a_handler() -> None:
    assert set(SPECIAL) <= set(KIND_NAMES)
    plain = {name for name, handler in HANDLERS.items() if handler is Writer._plain}
    assert {"organization_settings", "workspace", "byok_key", "observability_destination"} <= plain
    assert plain.isdisjoint(SPECIAL)


def test_pre_flight_checks_what_the_kinds_declare() -> None:
    # apply/preflight.py names no kind: what mints a secret, what is published with one, and the
    # secret references each come from the table.
    assert [kind.name for kind in KINDS if kind.mints_into is not None] == ["api_key"]
    assert [kind.name for kind in KINDS if kind.published_with is not None] == ["preset"]
    assert {kind.name for kind in KINDS if kind.secret_refs is not None} == {"byok_key", "observability_destination"}
    source = (PACKAGE / "apply" / "preflight.py").read_text("utf-8")
    assert not [name for name in KIND_NAMES if f'"{name}"' in source]
    # The lease marker is a guardrail written at the guardrail kind's path, not a literal one.
    assert "/guardrails" not in (PACKAGE / "live" / "lease.py").read_text("utf-8")


@pytest.mark.parametrize("kind", NAMED, ids=lambda k: k.name)
def test_a_named_kind_can_be_pinned_and_renamed(kind: ResourceKind) -> None:
    # The planner matches a declared object by a pinned `id:` first, then by name and previous names.
    config_only: frozenset[str] = getattr(kind.spec, "CONFIG_ONLY", frozenset())
    assert "id" in kind.spec.model_fields and "id" in config_only, f"{kind.spec.__name__} needs a config-only `id`"
    if kind.renamable:
        assert "previous_names" in kind.spec.model_fields and "previous_names" in config_only


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_a_kind_with_a_secret_says_which_references_its_writes_resolve(kind: ResourceKind) -> None:
    # Apply's pre-flight resolves them all before the first write (apply/preflight.py).
    assert (kind.secret_field is None) == (kind.secret_refs is None), kind.name


def test_a_kind_without_writes_is_missing_from_the_mapping() -> None:
    plain = BY_NAME["observability_destination"]
    assert handlers([plain]) == {"observability_destination": Writer._plain}
    assert handlers([dataclasses.replace(plain, body=None)]) == {}
    assert handlers([dataclasses.replace(plain, writes=None)]) == {}


def test_the_readers_special_listings_name_named_kinds() -> None:
    # Keys, guardrails and BYOK have listings of their own (orphans, the default guardrail, global
    # credentials); presets are read by version. Every other named kind needs nothing in the reader.
    named = {kind.name for kind in NAMED}
    assert set(_LISTINGS) | READ_APART <= named
    assert all(kind.from_api is not None for kind in NAMED if kind.name not in READ_APART)
