"""The graph of what a plan changes: each changed object in its place in the hierarchy, with the
unchanged parents it needs for context, coloured by action (for `plan --output markdown --graph`)."""

from __future__ import annotations

from typing import Any

from openrouter_iac.plan.model import Change, Plan
from openrouter_iac.render.graph import ORGANIZATION, Graph, Link, Node, NodeKind, State, money, node_id
from openrouter_iac.render.graph_formats import mermaid

_LABELS: dict[str, str] = {
    "default_guardrail": "default guardrail",
    "guardrail": "guardrail",
    "api_key": "key",
    "preset": "preset",
    "byok_key": "BYOK",
    "observability_destination": "traces to",
    "workspace_budget": "budget",
    "workspace_members": "members",
}
_NODE_KINDS: dict[str, NodeKind] = {
    "default_guardrail": "default_guardrail",
    "guardrail": "guardrail",
    "api_key": "api_key",
    "preset": "preset",
    "byok_key": "byok_key",
    "observability_destination": "observability_destination",
}
"""Budgets and members are drawn as plain boxes under their workspace."""
_CAP_FIELDS = {
    "workspace_budget": "limit_usd",
    "api_key": "limit",
    "guardrail": "budget",
    "default_guardrail": "budget",
}


def plan_graph(plan: Plan) -> Graph:
    """Changed objects (coloured by action) under their unchanged parents."""
    builder = _Builder(plan.config)
    for change in plan.changes:
        builder.place(change)
    return builder.graph


def plan_mermaid(plan: Plan) -> str:
    return mermaid(plan_graph(plan), colored=True) if plan.changes else ""


class _Builder:
    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.graph = Graph()
        self.states: dict[str, State] = {}
        self.graph.add(Node(ORGANIZATION, "organization", "organization"))

    def place(self, change: Change) -> None:
        kind, workspace, name = change.kind, change.workspace, change.name
        if kind == "organization_settings":
            self._restate(ORGANIZATION, change.action)
            return
        if workspace is None:
            return
        ws_id = self._workspace(workspace)
        if kind == "workspace":
            self._restate(ws_id, change.action)
            return
        if kind == "guardrail_assignment":
            self._assignment(change, workspace)
            return
        parent = self._key_parent(workspace, name) if kind == "api_key" else ws_id
        node_kind = _NODE_KINDS.get(kind, "budget")
        label = _LABELS[kind] + (f" {name}" if name and kind != "default_guardrail" else "")
        self._node(
            Node(change.address, node_kind, label, parent, _cap_transition(change), _state(change.action)),
        )

    # -- nodes

    def _node(self, node: Node) -> None:
        if self.graph.has(node.id):
            self._restate(node.id, node.state)
            return
        self.graph.add(node)

    def _restate(self, node_id_: str, state: str) -> None:
        self.graph.nodes = [
            Node(n.id, n.kind, n.label, n.parent, n.edge_label, _state(state)) if n.id == node_id_ else n
            for n in self.graph.nodes
        ]

    def _workspace(self, slug: str) -> str:
        ws_id = node_id("workspace", slug)
        if not self.graph.has(ws_id):
            self.graph.add(Node(ws_id, "workspace", f"workspace {slug}", ORGANIZATION))
        return ws_id

    def _guardrail(self, workspace: str, name: str) -> str:
        guardrail_id = node_id("guardrail", workspace, name)
        if not self.graph.has(guardrail_id):
            self.graph.add(Node(guardrail_id, "guardrail", f"guardrail {name}", self._workspace(workspace)))
        return guardrail_id

    def _key(self, workspace: str, name: str) -> str:
        key_id = node_id("api_key", workspace, name)
        if not self.graph.has(key_id):
            self.graph.add(Node(key_id, "api_key", f"key {name}", self._key_parent(workspace, name)))
        return key_id

    def _key_parent(self, workspace: str, key: str | None) -> str:
        guardrail = _dig(self.config, "workspaces", workspace, "keys", key or "", "guardrail")
        return self._guardrail(workspace, guardrail) if isinstance(guardrail, str) else self._workspace(workspace)

    def _assignment(self, change: Change, workspace: str) -> None:
        before, after = _field(change, "guardrail")
        key = self._key(workspace, change.name or "")
        if isinstance(before, str) and before != after:
            self.graph.links.append(Link(self._guardrail(workspace, before), key, "unassigned", "delete"))
        if isinstance(after, str):
            state: State = "create" if not before else "update"
            self.graph.links.append(Link(self._guardrail(workspace, after), key, "assigned", state))


def _state(action: str) -> State:
    return action if action in ("create", "update", "delete", "replace") else "unchanged"  # type: ignore[return-value]


def _field(change: Change, name: str) -> tuple[Any, Any]:
    for field in change.fields:
        if field.field == name and not field.sensitive:
            return field.before, field.after
    return None, None


def _cap_transition(change: Change) -> str:
    """`$20 → $25` on the edge to a key, budget or guardrail whose cap changes."""
    name = _CAP_FIELDS.get(change.kind)
    if name is None:
        return ""
    before, after = _field(change, name)
    old, new = _cap(before), _cap(after)
    if change.action == "create":
        return new
    if change.action == "delete" and change.kind == "workspace_budget":
        return f"{old} removed" if old else ""
    return f"{old or 'none'} → {new or 'none'}" if before != after and (old or new) else ""


def _cap(value: Any) -> str:
    if isinstance(value, dict):
        limit = value.get("limit_usd")
        return f"{money(limit)} {value.get('reset')}" if isinstance(limit, int | float) else ""
    return money(value) if isinstance(value, int | float) and not isinstance(value, bool) else ""


def _dig(data: Any, *path: str) -> Any:
    for part in path:
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data
