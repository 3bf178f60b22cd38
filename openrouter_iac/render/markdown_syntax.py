"""Markdown building blocks that stay correct whatever text they are given."""

from __future__ import annotations

import html
import re

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#])")
_BACKTICK_RUN = re.compile(r"`+")


def escape(text: str) -> str:
    """Plain text that renders literally, also inside a table cell (`|` and newlines included)."""
    return _SPECIAL.sub(r"\\\1", _one_line(text))


def code(text: str, *, in_table: bool = False) -> str:
    """An inline code span around ``text``, whatever backticks it holds.

    In a table, `|` must still be escaped: GitHub splits cells before it parses code spans.
    """
    text = _one_line(text)
    fence = "`" * (_longest_backtick_run(text) + 1)
    padded = f" {text} " if text.startswith("`") or text.endswith("`") else text
    if in_table:
        padded = padded.replace("|", "\\|")
    return f"{fence}{padded}{fence}"


def fenced(content: str, language: str = "") -> str:
    """A fenced code block longer than any backtick run inside it (a prompt may hold ```)."""
    fence = "`" * max(3, _longest_backtick_run(content) + 1)
    return f"{fence}{language}\n{content}\n{fence}"


def details(summary: str, body: str) -> str:
    """A collapsed `<details>` section; ``summary`` is plain text (HTML-escaped here)."""
    return f"<details><summary>{html.escape(summary)}</summary>\n\n{body}\n\n</details>"


ALERT_ITEMS = 50
"""An alert lists this many items, then counts the rest: a banner of thousands of lines is longer
than a comment may be, and would be left out of it whole."""


def alert(kind: str, lines: list[str], *, more: str = "") -> str:
    """A GitHub alert blockquote, e.g. ``alert("CAUTION", [...])``; lines are markdown already.

    With ``more`` (`changes that weaken policy`), the first line is a title and the items after
    ``ALERT_ITEMS`` are counted (`… and 1,950 more changes that weaken policy`)."""
    if more and len(lines) > ALERT_ITEMS + 1:
        hidden = len(lines) - 1 - ALERT_ITEMS
        lines = [*lines[: ALERT_ITEMS + 1], f"- … and {hidden:,} more {more} (`orctl plan` lists every one)"]
    return "\n".join([f"> [!{kind}]", *(f"> {line}" for line in lines)])


def _one_line(text: str) -> str:
    return " ".join(text.splitlines()) if "\n" in text or "\r" in text else text


def _longest_backtick_run(text: str) -> int:
    return max((len(run) for run in _BACKTICK_RUN.findall(text)), default=0)


def whole_sections(sections: list[str], limit: int, note: str, sep: str = "\n\n") -> str:
    """``sections`` joined by ``sep``, or as many leading whole sections as fit in ``limit`` and then
    ``note`` (a cut inside a section would leave a table or a `<details>` open)."""
    text = sep.join(sections)
    if len(text) <= limit:
        return text
    kept: list[str] = []
    size = len(note)
    for section in sections:
        size += len(section) + len(sep)
        if size > limit:
            break
        kept.append(section)
    return sep.join([*kept, note])
