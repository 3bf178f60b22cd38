"""Where each config node was declared: kept for every node, so errors, plans and lint findings can
point at file:line:column. Pure data, shared by config/ (which fills it) and plan/ (which cites it)."""

from __future__ import annotations

from dataclasses import dataclass, field

PathKey = tuple[str | int, ...]
"""A path to a node: mapping keys and sequence indexes from the document root."""


def dotted(path: PathKey) -> str:
    """`workspaces.acme.keys.bot`, with list indexes as `[2]`, and a name that would be unreadable
    bare (empty, white space at an end, a line break) quoted: `guardrails[' lab-cap ']`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif not part or part != part.strip() or not part.isprintable():
            text += f"[{part!r}]"
        else:
            text += ("." if text else "") + part
    return text


@dataclass(order=True, slots=True, unsafe_hash=True)
class Position:
    """Where a node starts: 1-based line and column. Never changed once made (not frozen: a
    frozen dataclass is three times as slow to make, and a config has one per node)."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass
class SourceMap:
    """Positions of every value (``values``) and every mapping key (``keys``) by path."""

    values: dict[PathKey, Position] = field(default_factory=dict)
    keys: dict[PathKey, Position] = field(default_factory=dict)
    written_nulls: set[PathKey] = field(default_factory=set)
    """Values written as `null` or `~` (an empty value, e.g. of a list whose items are all
    commented out, is null to YAML too, but is not here)."""

    def update(self, other: SourceMap) -> None:
        self.values.update(other.values)
        self.keys.update(other.keys)
        self.written_nulls.update(other.written_nulls)

    def value_position(self, path: PathKey) -> Position | None:
        """The position of the value at ``path``, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            found = self.values.get(path[:end])
            if found is not None:
                return found
        return None

    def key_position(self, path: PathKey) -> Position | None:
        """The position of the mapping key that names ``path`` (else of the value, or an ancestor)."""
        return self.keys.get(path) or self.value_position(path)
