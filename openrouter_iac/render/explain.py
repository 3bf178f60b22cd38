"""`orctl explain` for a terminal: one column of values, or live and configured side by side."""

from __future__ import annotations

from openrouter_iac.policy.explain import Explanation, Row

ABSENT = "(absent)"


def _width(rows: list[Row]) -> int:
    return max((len(row.setting) for row in rows), default=0)


def render_explanation(explanation: Explanation) -> str:
    lines = [f"Effective policy of {explanation.subject}", *explanation.notes]
    rows = [row for section in explanation.sections for row in section.rows]
    width = _width(rows)
    for section in explanation.sections:
        lines += ["", section.title]
        for row in section.rows:
            source = f"  ({row.source})" if row.source else ""
            lines.append(f"  {row.setting:<{width}}  {row.value}{source}")
    return "\n".join(lines)


def render_side_by_side(before: Explanation, after: Explanation) -> str:
    """Live (before) and configured (after) values of every row; `~` marks the rows that change."""
    titles: list[str] = []
    for explanation in (before, after):
        titles += [s.title for s in explanation.sections if s.title not in titles]
    table: dict[str, dict[str, list[str]]] = {title: {} for title in titles}
    for side, explanation in enumerate((before, after)):
        for section in explanation.sections:
            for row in section.rows:
                cells = table[section.title].setdefault(row.setting, [ABSENT, ABSENT])
                cells[side] = row.value
    settings = [s for rows in table.values() for s in rows]
    width = max((len(s) for s in settings), default=0)
    left = max([len("before (live)")] + [len(c[0]) for rows in table.values() for c in rows.values()])
    lines = [
        f"Effective policy of {after.subject}: before (live) and after (this config)",
        *(after.notes or before.notes),
    ]
    if not before.found:
        lines.append("  (not in the live account yet)")
    if not after.found:
        lines.append("  (not in the account once the plan is applied)")
    lines += ["", f"  {'':<{width}}  {'before (live)':<{left}}  after (config)"]
    for title, rows in table.items():
        lines += ["", title]
        for setting, (was, will) in rows.items():
            mark = "~" if was != will else " "
            lines.append(f"{mark} {setting:<{width}}  {was:<{left}}  {will}")
    return "\n".join(lines)
