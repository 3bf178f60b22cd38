"""The account's hierarchy as a graph, from the config alone: organization → workspaces →
guardrails → keys → presets, with BYOK credentials and observability destinations beside them,
and caps on the edges.

Every node has one parent (its place in the tree, for the text form); other relations (a BYOK
credential some keys may use, a destination some keys are traced to) are secondary edges.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from openrouter_iac.model.config import Config
from openrouter_iac.model.resources import ApiKey, GuardrailBudget, GuardrailPolicy, Workspace, ZeroDataRetention

NodeKind = Literal[
    "organization",
    "workspace",
    "budget",
    "default_guardrail",
    "guardrail",
    "api_key",
    "preset",
    "byok_key",
    "observability_destination",
]
State = Literal["create", "update", "delete", "replace", "unchanged"]


@dataclass(frozen=True)
class Node:
    id: str
    kind: NodeKind
    label: str
    parent: str | None = None
    edge_label: str = ""
    """Label of the edge from the parent: a cap, usually."""
    state: State = "unchanged"


@dataclass(frozen=True)
class Link:
    """A secondary relation, drawn dotted."""

    source: str
    target: str
    label: str = ""
    state: State = "unchanged"


@dataclass
class Graph:
    nodes: list[Node] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)

    def add(self, node: Node) -> None:
        self.nodes.append(node)

    def has(self, node_id: str) -> bool:
        return any(node.id == node_id for node in self.nodes)

    def children(self, parent: str | None) -> list[Node]:
        return [node for node in self.nodes if node.parent == parent]


ORGANIZATION = "organization"


def node_id(kind: str, workspace: str | None = None, name: str | None = None) -> str:
    """A stable id, the way plan addresses are written: `api_key:healthcare/intake-summarizer`."""
    if workspace is None:
        return kind
    return f"{kind}:{workspace}" + (f"/{name}" if name is not None else "")


def config_graph(config: Config) -> Graph:
    """The hierarchy the config declares."""
    graph = Graph()
    organization = "organization"
    if config.organization is not None and config.organization.filtered_model_catalog is not None:
        organization += f" (filtered model catalog: {'on' if config.organization.filtered_model_catalog else 'off'})"
    graph.add(Node(ORGANIZATION, "organization", organization))
    for slug, workspace in config.workspaces.items():
        _workspace(graph, slug, workspace)
    return graph


def _workspace(graph: Graph, slug: str, workspace: Workspace) -> None:
    ws_id = node_id("workspace", slug)
    graph.add(Node(ws_id, "workspace", f"workspace {slug}: {workspace.name}", ORGANIZATION, budgets_label(workspace)))
    default_id = ws_id
    if workspace.default_guardrail is not None:
        default_id = node_id("default_guardrail", slug)
        cap = guardrail_budget_label(workspace.default_guardrail.budget)
        label = _with_policy("default guardrail", workspace.default_guardrail)
        graph.add(Node(default_id, "default_guardrail", label, ws_id, cap))
    for name, guardrail in workspace.guardrails.items():
        # A key's own guardrail stands in for the default one, so both hang from the workspace.
        cap = guardrail_budget_label(guardrail.budget)
        graph.add(
            Node(
                node_id("guardrail", slug, name), "guardrail", _with_policy(f"guardrail {name}", guardrail), ws_id, cap
            )
        )
    for name, key in workspace.keys.items():
        parent = node_id("guardrail", slug, key.guardrail) if key.guardrail else default_id
        graph.add(Node(node_id("api_key", slug, name), "api_key", f"key {name}", parent, key_cap_label(key)))
    for name, preset in workspace.presets.items():
        parent = node_id("api_key", slug, preset.publish_with) if preset.publish_with else ws_id
        model = f" ({preset.model})" if preset.model else ""
        graph.add(Node(node_id("preset", slug, name), "preset", f"preset {name}{model}", parent))
    for name, byok in workspace.byok.items():
        byok_id = node_id("byok_key", slug, name)
        graph.add(Node(byok_id, "byok_key", f"BYOK {name} ({byok.provider})", ws_id))
        for key_name in byok.allowed_keys or []:
            graph.links.append(Link(byok_id, node_id("api_key", slug, key_name), "may use"))
    for name, destination in workspace.observability.items():
        dest_id = node_id("observability_destination", slug, name)
        graph.add(Node(dest_id, "observability_destination", f"traces to {name} ({destination.type})", ws_id))
        for key_name in destination.api_keys or []:
            graph.links.append(Link(node_id("api_key", slug, key_name), dest_id, "traced"))


def _with_policy(label: str, policy: GuardrailPolicy) -> str:
    """`guardrail phi (ZDR, 2 providers only, prompt injection: block)`: what a reviewer looks for."""
    facts = []
    if policy.zdr is not None:
        on = [group for group, value in policy.zdr.model_dump().items() if value]
        facts.append(
            "ZDR" if len(on) == len(ZeroDataRetention.model_fields) else f"ZDR: {', '.join(on)}" if on else "no ZDR"
        )
    for what, values in (("models", policy.allowed_models), ("providers", policy.allowed_providers)):
        if values is not None:
            facts.append(f"{len(values)} {what} only" if len(values) != 1 else f"{values[0]} only")
    if policy.enable_paid_model_training:
        facts.append("paid-model training allowed")
    if policy.prompt_injection is not None:
        facts.append(f"prompt injection: {policy.prompt_injection.action}")
    return f"{label} ({', '.join(facts)})" if facts else label


# ------------------------------------------------------------------ cap labels


def money(value: float) -> str:
    return f"${value:,.2f}".replace(".00", "")


def budgets_label(workspace: Workspace) -> str:
    return ", ".join(f"{money(cap)} {interval}" for interval, cap in workspace.budgets.as_dict().items())


def guardrail_budget_label(budget: GuardrailBudget | None) -> str:
    return f"{money(budget.limit_usd)} {budget.reset}" if budget is not None else ""


def key_cap_label(key: ApiKey) -> str:
    if key.limit is None:
        return "no cap"
    return f"{money(key.limit)} {key.limit_reset or 'total'}"
