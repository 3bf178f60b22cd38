"""The plan as styled lines: the one layout that the text plan and the markdown diff block share."""

from __future__ import annotations

from dataclasses import dataclass

from openrouter_iac.plan.model import Action, Change
from openrouter_iac.render.colors import Style

ACTION_SIGN: dict[Action, str] = {"create": "+", "update": "~", "delete": "-", "replace": "-/+"}
ARROW = "→"
INDENT = "  "


@dataclass(frozen=True)
class Line:
    """One output line: ``depth`` levels of indent, an optional sign (`+`, `-`, `~`, `-/+`), a body."""

    depth: int
    body: str
    sign: str = ""
    tight: bool = False
    """The sign is glued to the body, as in unified diff lines (`+added line`)."""
    style: Style | None = None

    def plain(self) -> str:
        """The line as the text plan shows it (without colors)."""
        return INDENT * self.depth + self._signed()

    def for_diff_block(self) -> str:
        """The line with its sign moved to column 0, so a ```diff block highlights it.

        One indent level is dropped first: change headers then start at column 0 with their sign.
        """
        indent = INDENT * max(self.depth - 1, 0)
        if not self.sign:
            return indent + self.body
        return self.sign + indent + self._separator() + self.body

    def _signed(self) -> str:
        if not self.sign:
            return self.body
        return self.sign + self._separator() + self.body

    def _separator(self) -> str:
        return "" if self.tight or not self.body else " "


def header_line(change: Change) -> Line:
    """`+ workspace:healthcare`, styled by the change's action."""
    return Line(1, change.address, sign=ACTION_SIGN[change.action], style=change.action)
