"""Text from the account, made safe to print on a terminal.

Names and descriptions come from the live account, where anyone with dashboard access can put
an escape sequence (clear the screen, set the window title, recolour a line) or a line break
(forge a line of the plan) into them. Every control character is shown escaped instead.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    return _NAMED.get(char) or f"\\x{ord(char):02x}"


def printable(text: str) -> str:
    """``text`` with every control character written as an escape (`\\x1b`, `\\n`): one line, no effects."""
    if _CONTROL.search(text) is None:
        return text
    return _CONTROL.sub(_escaped, text)
