"""Field-level lines of a change: `field: before → after`, list items added and removed, dict
keys one by one, multi-line text as a unified diff, sensitive values hidden."""

from __future__ import annotations

from typing import Any, Literal

from openrouter_iac.kinds import BY_NAME
from openrouter_iac.model.traits import SET_LIKE, has
from openrouter_iac.plan.model import Change, FieldChange
from openrouter_iac.render.lines import ARROW, Line
from openrouter_iac.render.presets import prompt_labels, unified_diff
from openrouter_iac.render.values import SENSITIVE, canonical, format_value, set_difference

Side = Literal["after", "before", "both"]
"""Which values a change shows: a create only what it sets, a delete only what it removes."""


TEXT_FIELDS = frozenset({"system_prompt"})
"""Fields always shown as a text diff, even on one line."""


def field_lines(change: Change, field: FieldChange, depth: int) -> list[Line]:
    """The lines of one field of ``change``, starting at ``depth``."""
    if field.sensitive:
        return [Line(depth, f"{field.field}: {sensitive_text(field)}")]
    side: Side = "after" if change.action == "create" else "before" if change.action == "delete" else "both"
    walker = _Walker(change, side)
    if field.paths and side == "both":
        # A nested value: the places inside it that differ, as the plan's deepdiff found them.
        return [
            line
            for place in field.paths
            for line in walker.lines(f"{field.field}.{place.path}", place.before, place.after, depth, top=False)
        ]
    return walker.lines(field.field, field.before, field.after, depth, top=True)


def sensitive_text(field: FieldChange) -> str:
    """`(sensitive)`, or `(sensitive) → (sensitive)` when a value is replaced by another."""
    if field.before is not None and field.after is not None:
        return f"{SENSITIVE} {ARROW} {SENSITIVE}"
    return SENSITIVE


class _Walker:
    def __init__(self, change: Change, side: Side) -> None:
        self.change = change
        self.side = side

    def lines(self, path: str, before: Any, after: Any, depth: int, *, top: bool) -> list[Line]:
        if self._is_text(path, before, after, top=top):
            return self._text(path, before, after, depth)
        if _dict_or_none(before) and _dict_or_none(after) and (before or after):
            return self._mapping(path, before or {}, after or {}, depth)
        if (
            top
            and _set_like(self.change, path)
            and _list_or_none(before)
            and _list_or_none(after)
            and _any_list(before, after)
        ):
            return self._set(path, before or [], after or [], depth)
        return [Line(depth, f"{path}: {self._pair(before, after)}")]

    def _is_text(self, path: str, before: Any, after: Any, *, top: bool) -> bool:
        sides = [v for v in (before, after) if v is not None]
        if not sides or not all(isinstance(v, str) for v in sides):
            return False
        return (top and path in TEXT_FIELDS) or any("\n" in v for v in sides)

    def _text(self, path: str, before: str | None, after: str | None, depth: int) -> list[Line]:
        if self.side == "after":
            before = None
        elif self.side == "before":
            after = None
        raw_lines = unified_diff(before, after, prompt_labels(self.change))
        # The first two lines name the sides; a removed line may itself start with `--`.
        out = [Line(depth, f"{path}:")]
        out.extend(Line(depth + 1, raw, style="heading") for raw in raw_lines[:2])
        out.extend(_diff_line(raw, depth + 1) for raw in raw_lines[2:])
        return out

    def _mapping(self, path: str, before: dict[str, Any], after: dict[str, Any], depth: int) -> list[Line]:
        keys = list(dict.fromkeys([*after, *before]))
        out: list[Line] = []
        for key in keys:
            old, new = before.get(key), after.get(key)
            if self.side == "both" and canonical(old) == canonical(new):
                continue
            out.extend(self.lines(f"{path}.{key}", old, new, depth, top=False))
        return out

    def _set(self, path: str, before: list[Any], after: list[Any], depth: int) -> list[Line]:
        if self.side != "both":
            items = after if self.side == "after" else before
            if all(not isinstance(v, dict | list) for v in items):
                return [Line(depth, f"{path}: {format_value(items)}")]
            return [Line(depth, f"{path}:")] + [_item(v, depth + 1, added=self.side == "after") for v in items]
        added, removed = set_difference(before, after)
        if not added and not removed:
            # Same items, another order: still a change upstream, so show both orders.
            return [Line(depth, f"{path} (order): {format_value(before)} {ARROW} {format_value(after)}")]
        out = [Line(depth, f"{path}:")]
        out.extend(_item(v, depth + 1, added=False) for v in removed)
        out.extend(_item(v, depth + 1, added=True) for v in added)
        return out

    def _pair(self, before: Any, after: Any) -> str:
        if self.side == "after":
            return format_value(after)
        if self.side == "before":
            return format_value(before)
        return f"{format_value(before)} {ARROW} {format_value(after)}"


def _set_like(change: Change, field: str) -> bool:
    """Whether a list field is shown as items added and removed: its order does not matter (a field
    the kind does not know, e.g. of a hand-made plan, is read as a set)."""
    spec = BY_NAME[change.kind].spec
    return field not in spec.model_fields or has(spec, field, SET_LIKE)


def _item(value: Any, depth: int, *, added: bool) -> Line:
    if added:
        return Line(depth, format_value(value), "+", style="added")
    return Line(depth, format_value(value), "-", style="removed")


def _diff_line(raw: str, depth: int) -> Line:
    if raw.startswith("@@"):
        return Line(depth, raw, style="hunk")
    if raw.startswith("+"):
        return Line(depth, raw[1:], "+", tight=True, style="added")
    if raw.startswith("-"):
        return Line(depth, raw[1:], "-", tight=True, style="removed")
    # Context lines keep their leading space so the text lines up with changed lines.
    return Line(depth, raw)


def _dict_or_none(value: Any) -> bool:
    return value is None or isinstance(value, dict)


def _list_or_none(value: Any) -> bool:
    return value is None or isinstance(value, list)


def _any_list(*values: Any) -> bool:
    return any(isinstance(v, list) for v in values)
