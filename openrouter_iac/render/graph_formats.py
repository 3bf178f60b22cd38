"""A :class:`Graph` as Mermaid (GitHub renders it in comments), Graphviz dot, or an indented tree."""

from __future__ import annotations

from openrouter_iac.render.graph import Graph, Node, NodeKind, State

_MERMAID_SHAPES: dict[NodeKind, tuple[str, str]] = {
    "organization": ("[[", "]]"),
    "workspace": ("[", "]"),
    "budget": ("[", "]"),
    "default_guardrail": ("{{", "}}"),
    "guardrail": ("{{", "}}"),
    "api_key": ("([", "])"),
    "preset": ("[/", "/]"),
    "byok_key": ("[(", ")]"),
    "observability_destination": (">", "]"),
}
_COLORS: dict[State, tuple[str, str]] = {
    "create": ("#dafbe1", "#1a7f37"),
    "update": ("#fff8c5", "#9a6700"),
    "replace": ("#fbefff", "#8250df"),
    "delete": ("#ffebe9", "#cf222e"),
    "unchanged": ("#f6f8fa", "#8c959f"),
}
"""Fill and stroke per action: GitHub's own green, yellow, purple and red."""
_SYMBOLS: dict[State, str] = {"create": "+ ", "update": "~ ", "replace": "-/+ ", "delete": "- ", "unchanged": ""}


def render_graph(graph: Graph, output: str, *, colored: bool = False) -> str:
    """``output`` is `mermaid`, `dot` or `text`. ``colored`` styles nodes by state (plan graphs)."""
    if output == "mermaid":
        return mermaid(graph, colored=colored)
    if output == "dot":
        return dot(graph, colored=colored)
    return text_tree(graph)


# ------------------------------------------------------------------ mermaid


def _mermaid_text(text: str) -> str:
    # Mermaid entity codes; `#` first so the others are not escaped twice.
    return text.replace("#", "#35;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def mermaid(graph: Graph, *, colored: bool = False) -> str:
    ids = {node.id: f"n{index}" for index, node in enumerate(graph.nodes)}
    lines = ["flowchart LR"]
    for node in graph.nodes:
        opening, closing = _MERMAID_SHAPES[node.kind]
        lines.append(f'  {ids[node.id]}{opening}"{_mermaid_text(_with_symbol(node))}"{closing}')
    edges: list[State] = []
    for node in graph.nodes:
        if node.parent in ids:
            label = f'|"{_mermaid_text(node.edge_label)}"|' if node.edge_label else ""
            lines.append(f"  {ids[node.parent]} -->{label} {ids[node.id]}")
            edges.append(node.state)
    for link in graph.links:
        if link.source in ids and link.target in ids:
            label = f'|"{_mermaid_text(link.label)}"|' if link.label else ""
            lines.append(f"  {ids[link.source]} -.->{label} {ids[link.target]}")
            edges.append(link.state)
    if colored:
        for state, (fill, stroke) in _COLORS.items():
            members = [ids[node.id] for node in graph.nodes if node.state == state]
            if members:
                lines.append(f"  classDef {state} fill:{fill},stroke:{stroke},color:#1f2328")
                lines.append(f"  class {','.join(members)} {state}")
        for index, state in enumerate(edges):
            if state != "unchanged":
                lines.append(f"  linkStyle {index} stroke:{_COLORS[state][1]},stroke-width:2px")
    return "\n".join(lines)


# ------------------------------------------------------------------ dot


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def dot(graph: Graph, *, colored: bool = False) -> str:
    lines = ["digraph orctl {", "  rankdir=LR;", '  node [shape=box, fontname="Helvetica"];']
    known = {node.id for node in graph.nodes}
    for node in graph.nodes:
        style = ""
        if colored:
            fill, stroke = _COLORS[node.state]
            style = f', style=filled, fillcolor="{fill}", color="{stroke}"'
        lines.append(f'  "{_dot_text(node.id)}" [label="{_dot_text(_with_symbol(node))}"{style}];')
    for node in graph.nodes:
        if node.parent in known:
            label = f' [label="{_dot_text(node.edge_label)}"]' if node.edge_label else ""
            lines.append(f'  "{_dot_text(node.parent or "")}" -> "{_dot_text(node.id)}"{label};')
    for link in graph.links:
        if link.source in known and link.target in known:
            color = f', color="{_COLORS[link.state][1]}"' if colored and link.state != "unchanged" else ""
            lines.append(
                f'  "{_dot_text(link.source)}" -> "{_dot_text(link.target)}" '
                f'[style=dashed, label="{_dot_text(link.label)}"{color}];'
            )
    lines.append("}")
    return "\n".join(lines)


# ------------------------------------------------------------------ text


def text_tree(graph: Graph) -> str:
    links: dict[str, list[str]] = {}
    labels = {node.id: node.label for node in graph.nodes}
    for link in graph.links:
        if link.target in labels:
            links.setdefault(link.source, []).append(f"{link.label}: {labels[link.target]}")
    lines: list[str] = []
    for root in graph.children(None):
        _tree(graph, root, "", "", links, lines)
    return "\n".join(lines)


def _tree(graph: Graph, node: Node, lead: str, indent: str, links: dict[str, list[str]], out: list[str]) -> None:
    line = lead + _with_symbol(node)
    if node.edge_label:
        line += f"  [{node.edge_label}]"
    for relation in links.get(node.id, []):
        line += f"  ⇢ {relation}"
    out.append(line)
    children = graph.children(node.id)
    for index, child in enumerate(children):
        last = index == len(children) - 1
        _tree(graph, child, indent + ("└── " if last else "├── "), indent + ("    " if last else "│   "), links, out)


def _with_symbol(node: Node) -> str:
    return _SYMBOLS[node.state] + node.label
