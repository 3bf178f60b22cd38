"""What a name rule is; each named kind declares its own (`name_rule` in ``kinds/<kind>.py``), and
the config checks and the JSON Schema read them from the table of kinds.

A name is the mapping key an object is declared under (`keys: {docs-bot: ...}`). Every kind shares
one base rule: not empty, no white space at either end (`" lab-cap "` and `"lab-cap"` would look
like one object in a plan but be two upstream) and no control characters (they would break the
one-line addresses of plans and reports). On top of it each kind has the API's own limits: the
length the spec allows, and for slugs (workspaces, presets) the slug character set.

The rules apply to names written in a config only. Live objects keep whatever name the API holds,
so the live-state models never check them: a key named with a trailing space in the dashboard is
reported as unmanaged, not a crash; `previous_names` may name it to take it over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
"""Workspace and preset slugs: lowercase letters and digits in groups separated by single dashes."""

NAME_PATTERN = r"^[^\s\x00-\x1f\x7f](?:[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f])?$"
"""Any other name: no white space at either end, no control characters. Written so that Python's
`re` and the ECMAScript regexes of JSON Schema read it the same way."""

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class NameRule:
    """What a name of one kind may be."""

    what: str
    """How messages call the name, e.g. `guardrail name`."""
    max_length: int | None
    """The API's limit (None: the spec sets none)."""
    pattern: str | None = None
    """A character set instead of free text (e.g. :data:`SLUG_PATTERN`), and how to say it."""
    pattern_says: str = ""
    forbidden: str = ""
    """Characters orctl reserves in this kind's names (with the reason after them in ``why``)."""
    why: str = ""
    reserved: tuple[str, ...] = ()
    """Name parts orctl writes itself (a provisional or retiring key's name)."""

    def problem(self, name: str) -> str | None:
        """Why ``name`` breaks the rule, or None."""
        length = len(name)
        if self.max_length is not None and not 1 <= length <= self.max_length:
            return f"{self.what} {name!r} must be 1 to {self.max_length} characters long (it has {length})"
        if length == 0:
            return f"{self.what} must not be empty"
        if self.pattern is not None:
            if not re.fullmatch(self.pattern, name):
                return f"{self.what} {name!r} must be {self.pattern_says} (pattern {self.pattern})"
            return None
        if name != name.strip():
            return f"{self.what} {name!r} must not start or end with white space"
        if _CONTROL.search(name):
            return f"{self.what} {name!r} must not contain control characters (tabs, line breaks)"
        for char in self.forbidden:
            if char in name:
                return f"{self.what} {name!r} must not contain '{char}' ({self.why})"
        for marker in self.reserved:
            if marker in name:
                return f"{self.what} {name!r} must not contain '{marker.strip()}' (orctl names its own keys so)"
        return None

    def json_schema(self) -> dict[str, Any]:
        """The same rule as a JSON Schema for `propertyNames`."""
        schema: dict[str, Any] = {"minLength": 1, "pattern": self.pattern or NAME_PATTERN}
        if self.max_length is not None:
            schema["maxLength"] = self.max_length
        if self.forbidden:
            escaped = "".join(re.escape(c) for c in self.forbidden)
            schema = {"allOf": [schema, {"pattern": f"^[^{escaped}]*$"}]}
        if self.reserved:
            parts = schema.get("allOf", [schema])
            schema = {"allOf": [*parts, *({"not": {"pattern": _literal(m)}} for m in self.reserved)]}
        return schema


def _literal(text: str) -> str:
    """``text`` as a regex that Python and ECMAScript read alike (`re.escape` writes `\\ ` and
    `\\-`, which a Unicode ECMAScript regex refuses)."""
    return "".join(f"\\{c}" if c in "\\^$.|?*+()[]{}" else c for c in text)


SLUG_SAYS = "lowercase letters and digits in groups separated by single dashes"


def slug_rule(what: str, max_length: int) -> NameRule:
    """A slug's rule (workspaces, presets): the slug character set."""
    return NameRule(what, max_length, SLUG_PATTERN, SLUG_SAYS)


WORKSPACE_SLUG = slug_rule("workspace slug", 50)
"""Spec CreateWorkspaceRequest.slug: 1 to 50, the slug pattern."""

SECRET_SINK_NAME = NameRule("secret sink name", 100, r"^[A-Za-z0-9_.-]+$", "letters, digits, '.', '_' and '-' only")
"""Sinks exist only in the config (a name may end up in a file name or an environment variable)."""
