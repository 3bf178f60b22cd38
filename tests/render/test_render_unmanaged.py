"""Unmanaged objects at scale: text and markdown count large groups (by workspace and kind),
`show_all_unmanaged` lists every one, JSON always keeps every entry."""

from __future__ import annotations

import json

from render_support import every_change, make_plan

from openrouter_iac.plan.model import Unmanaged
from openrouter_iac.render import render_json, render_markdown, render_text
from openrouter_iac.render.unmanaged import GROUP_LIMIT, group_unmanaged, workspace_of


def key_per_customer(keys: int = 20_000) -> list[Unmanaged]:
    items = [
        Unmanaged(kind="api_key", address=f"api_key:busy/customer-{n:05}", reason="not declared in the config")
        for n in range(keys)
    ]
    items[7] = Unmanaged(kind="api_key", address="api_key:busy/customer-00007", reason="orphan of an interrupted apply")
    guardrails = [
        Unmanaged(kind="guardrail", address=f"guardrail:busy/tier-{n:02}", reason="not declared in the config")
        for n in range(49)
    ]
    few = [
        Unmanaged(kind="api_key", address=f"api_key:quiet/k{n}", reason="not declared in the config") for n in range(3)
    ]
    workspace = [
        Unmanaged(kind="workspace", address="workspace:default", reason="the default workspace is never managed")
    ]
    return sorted(items + guardrails + few + workspace, key=lambda u: u.address)


def test_groups_are_by_workspace_and_kind() -> None:
    groups = group_unmanaged(key_per_customer(30))
    assert [(g.workspace, g.kind, len(g.items)) for g in groups] == [
        ("busy", "api_key", 30),
        ("quiet", "api_key", 3),
        ("busy", "guardrail", 49),
        ("default", "workspace", 1),
    ]
    assert workspace_of(Unmanaged(kind="byok_key", address="byok_key:w/(unnamed openai b-1)", reason="x")) == "w"


def test_text_counts_large_groups_and_lists_small_ones() -> None:
    text = render_text(make_plan(unmanaged=key_per_customer()), color=False)
    lines = text.splitlines()
    assert lines[0] == "20,053 live objects are not managed by this config:"
    assert (
        "  20,000 api_key in workspace busy (19,999 not declared in the config; 1 orphan of an interrupted apply), "
        "e.g. api_key:busy/customer-00000, api_key:busy/customer-00001, api_key:busy/customer-00002"
    ) in lines
    assert "  49 guardrail in workspace busy (49 not declared in the config), e.g. guardrail:busy/tier-00, " in text
    assert "  api_key:quiet/k0  (not declared in the config)" in lines  # a small group is listed in full
    assert "  workspace:default  (the default workspace is never managed)" in lines
    assert "--show-all-unmanaged lists all" in text
    assert len(lines) < 15


def test_show_all_lists_every_object() -> None:
    unmanaged = key_per_customer(GROUP_LIMIT + 5)
    text = render_text(make_plan(unmanaged=unmanaged), color=False, show_all_unmanaged=True)
    assert all(f"  {u.address}  ({u.reason})" in text for u in unmanaged)
    assert "--show-all-unmanaged" not in text


def test_nothing_is_grouped_while_every_group_is_small() -> None:
    unmanaged = key_per_customer(GROUP_LIMIT)[:GROUP_LIMIT]
    grouped = render_text(make_plan(unmanaged=unmanaged), color=False)
    listed = render_text(make_plan(unmanaged=unmanaged), color=False, show_all_unmanaged=True)
    assert grouped == listed


def test_markdown_counts_large_groups() -> None:
    plan = make_plan(every_change(), unmanaged=key_per_customer())
    text = render_markdown(plan)
    section = text[text.index("<details><summary>20,053 live objects") :]
    assert (
        "- 20,000 `api_key` in workspace busy: 19,999 not declared in the config; 1 orphan of an interrupted apply "
        "(e.g. `api_key:busy/customer-00000`, `api_key:busy/customer-00001`, `api_key:busy/customer-00002`)"
    ) in section
    assert "- `api_key:quiet/k0`: not declared in the config" in section
    assert "`--show-all-unmanaged` lists all" in section
    assert len(section.splitlines()) < 20
    full = render_markdown(make_plan(every_change(), unmanaged=key_per_customer(30)), show_all_unmanaged=True)
    assert "- `api_key:busy/customer-00029`: not declared in the config" in full
    assert "lists all" not in full


def test_json_keeps_every_entry() -> None:
    unmanaged = key_per_customer()
    document = json.loads(render_json(make_plan(unmanaged=unmanaged)))
    assert [u["address"] for u in document["unmanaged"]] == [u.address for u in unmanaged]
