"""Just enough dotenv to keep orctl's own `NAME=value` lines up to date in a file others edit too."""

from __future__ import annotations

import re

VARIABLE = re.compile(r"[A-Z_][A-Z0-9_]*")
_LINE = re.compile(r"^(?P<prefix>\s*(?:export\s+)?)(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*=(?P<value>.*)$")
# Values made only of these need no quoting in any dotenv dialect (and OpenRouter keys are such).
_BARE = re.compile(r"[A-Za-z0-9_\-.:/+=@,%^~]*")


def render_value(value: str) -> str:
    """``value`` as it should appear after `NAME=`; raises ValueError if no quoting is safe."""
    if _BARE.fullmatch(value):
        return value
    if "'" in value or "\n" in value or "\r" in value:
        raise ValueError("the value has quotes or line breaks that a dotenv file cannot hold safely")
    return f"'{value}'"


def parse_value(raw: str) -> str:
    """The value of one assignment's right-hand side (quotes removed, trailing comment dropped)."""
    raw = raw.strip()
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
        inner = raw[1:-1]
        return inner if raw[0] == "'" else inner.replace('\\"', '"').replace("\\\\", "\\")
    return raw.split(" #", 1)[0].rstrip()


def parse(text: str) -> dict[str, str]:
    """Every assignment in ``text``; the last one wins, as in a shell."""
    values: dict[str, str] = {}
    for line in text.splitlines():
        match = _LINE.match(line)
        if match:
            values[match["name"]] = parse_value(match["value"])
    return values


def upsert(text: str, assignments: dict[str, str]) -> str:
    """``text`` with each variable set: its first line replaced in place, any repeats removed,
    new variables appended. Other lines (comments, other variables) are kept as they were."""
    written: set[str] = set()
    lines: list[str] = []
    for line in text.splitlines():
        match = _LINE.match(line)
        if match is None or match["name"] not in assignments:
            lines.append(line)
        elif match["name"] not in written:
            name = match["name"]
            lines.append(f"{match['prefix']}{name}={render_value(assignments[name])}")
            written.add(name)
    lines.extend(f"{name}={render_value(value)}" for name, value in assignments.items() if name not in written)
    return "\n".join(lines) + "\n"


def remove(text: str, names: set[str]) -> str:
    """``text`` without any assignment of ``names``; every other line is kept as it was."""
    kept = [line for line in text.splitlines() if (m := _LINE.match(line)) is None or m["name"] not in names]
    return "\n".join(kept) + "\n" if kept else ""
