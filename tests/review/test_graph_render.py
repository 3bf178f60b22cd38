"""The graph renderers on hand-made graphs and plans: escaping, colours, assignments, deletions."""

from __future__ import annotations

from typing import Any

from openrouter_iac.plan.model import Action, Change, FieldChange, Kind, Plan, SafetyFacts
from openrouter_iac.render.graph import Graph, Link, Node
from openrouter_iac.render.graph_formats import dot, mermaid, text_tree
from openrouter_iac.render.plan_graph import plan_graph, plan_mermaid


def test_mermaid_escapes_what_would_end_a_label() -> None:
    graph = Graph([Node("organization", "organization", 'say "hi" <b> #1')])
    assert mermaid(graph).splitlines()[1] == '  n0[["say #quot;hi#quot; #lt;b#gt; #35;1"]]'


def test_dot_escapes_quotes_and_backslashes() -> None:
    graph = Graph([Node('a"b', "organization", "x\\y")])
    assert '  "a\\"b" [label="x\\\\y"];' in dot(graph).splitlines()


def test_text_tree_marks_states_and_links() -> None:
    graph = Graph(
        [
            Node("organization", "organization", "organization"),
            Node("w", "workspace", "workspace w", "organization", "$10 daily", "update"),
            Node("k", "api_key", "key k", "w", state="delete"),
        ],
        [Link("k", "w", "traced")],
    )
    assert text_tree(graph) == "organization\n└── ~ workspace w  [$10 daily]\n    └── - key k  ⇢ traced: workspace w"


def change(kind: Kind, action: Action, name: str | None, *fields: tuple[str, Any, Any]) -> Change:
    address = f"{kind}:hc" if name is None else f"{kind}:hc/{name}"
    return Change(
        action=action,
        kind=kind,
        address=address,
        workspace="hc",
        name=name,
        fields=[FieldChange(field=f, before=b, after=a) for f, b, a in fields],
    )


def plan_of(*changes: Change, config: dict[str, Any] | None = None) -> Plan:
    return Plan(
        fingerprint="sha256:f",
        changes=list(changes),
        safety=SafetyFacts(managed_objects=1, deletes=0),
        config_digest="sha256:c",
        config=config or {"version": 1},
        config_base_dir=".",
    )


def test_a_key_hangs_from_its_guardrail_and_assignments_are_coloured_links() -> None:
    plan = plan_of(
        change("api_key", "create", "bot", ("limit", None, 5)),
        change("guardrail_assignment", "update", "old-bot", ("guardrail", "strict", "loose")),
        config={"workspaces": {"hc": {"keys": {"bot": {"guardrail": "strict"}}}}},
    )
    graph = plan_graph(plan)
    nodes = {node.id: node for node in graph.nodes}
    assert nodes["api_key:hc/bot"].parent == "guardrail:hc/strict"
    assert nodes["api_key:hc/bot"].state == "create"
    assert nodes["api_key:hc/bot"].edge_label == "$5"
    assert nodes["guardrail:hc/strict"].state == "unchanged"
    assert [(link.source, link.target, link.label, link.state) for link in graph.links] == [
        ("guardrail:hc/strict", "api_key:hc/old-bot", "unassigned", "delete"),
        ("guardrail:hc/loose", "api_key:hc/old-bot", "assigned", "update"),
    ]
    diagram = plan_mermaid(plan)
    assert "classDef create fill:#dafbe1" in diagram
    assert "linkStyle" in diagram


def test_deletions_and_budget_removals() -> None:
    plan = plan_of(
        change("workspace_budget", "delete", "monthly", ("limit_usd", 500, None)),
        change("guardrail", "delete", "legacy"),
    )
    nodes = {node.id: node for node in plan_graph(plan).nodes}
    assert nodes["workspace_budget:hc/monthly"].edge_label == "$500 removed"
    assert nodes["workspace_budget:hc/monthly"].state == "delete"
    assert nodes["guardrail:hc/legacy"].state == "delete"
    assert nodes["workspace:hc"].state == "unchanged"


def test_no_changes_no_graph() -> None:
    assert plan_mermaid(plan_of()) == ""


def test_a_huge_plan_with_a_graph_stays_under_the_comment_limit() -> None:
    from openrouter_iac.plan.model import PlanOrigin
    from openrouter_iac.render.markdown import COMMENT_LIMIT, render_markdown

    keys = [change("api_key", "create", f"key-{n:04d}", ("limit", None, 5)) for n in range(2500)]
    plan = plan_of(*keys).model_copy(update={"origin": PlanOrigin(config="orctl/", account="openrouter.ai")})
    text = render_markdown(plan, graph=True)
    assert len(text) <= COMMENT_LIMIT
    assert text.startswith("<!-- orctl-plan: config=orctl/ -->\n\n**orctl plan:** 2500 to create")
    assert "#### What changes" not in text  # dropped, after the full plan, to fit
    small = render_markdown(plan_of(*keys[:3]), graph=True)
    assert "#### What changes\n\n```mermaid\nflowchart LR" in small
