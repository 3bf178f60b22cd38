"""ANSI styling for the text plan, and the decision whether to use it at all."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

Style = Literal["create", "update", "delete", "replace", "added", "removed", "hunk", "heading", "note", "warning"]

_CODES: dict[Style, str] = {
    "create": "32",  # green
    "update": "33",  # yellow
    "delete": "31",  # red
    "replace": "35",  # magenta
    "added": "32",
    "removed": "31",
    "hunk": "36",  # cyan
    "heading": "1",  # bold
    "note": "2",  # dim
    "warning": "1;33",  # bold yellow
}
_RESET = "\x1b[0m"

_FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def paint(text: str, style: Style | None, *, color: bool) -> str:
    """``text`` wrapped in the ANSI codes of ``style`` when ``color`` is on, else unchanged."""
    if not color or style is None or not text:
        return text
    return f"\x1b[{_CODES[style]}m{text}{_RESET}"


def should_color(stream_isatty: bool, no_color_flag: bool, env: Mapping[str, str]) -> bool:
    """Whether the text plan gets ANSI colors.

    In order: `--no-color` wins; then `NO_COLOR` set to anything non-empty (no-color.org) turns
    colors off; then `FORCE_COLOR` set to anything non-empty turns them on (for CI logs that
    render colors), except 0/false/no/off which turn them off; then `TERM=dumb` turns them off;
    otherwise colors follow whether the output stream is a terminal. `NO_COLOR` beats
    `FORCE_COLOR`: escape codes in a log nobody asked for are worse than a plan without colors.
    """
    if no_color_flag or env.get("NO_COLOR", ""):
        return False
    force = env.get("FORCE_COLOR", "")
    if force:
        return force.strip().lower() not in _FALSE_WORDS
    if env.get("TERM") == "dumb":
        return False
    return stream_isatty
