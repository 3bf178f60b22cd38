"""Partial runs (`--target ADDRESS`, globs allowed) and observe-only workspaces, as filters on the
changes of a built plan: the diff itself is always of the whole account."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fnmatch import fnmatchcase

from openrouter_iac.model.config import Config
from openrouter_iac.model.snapshot import GLOBAL_SCOPE
from openrouter_iac.plan.model import Change, Unmanaged

WHOLE_WORKSPACE = "workspace:"
"""`workspace:SLUG` selects the workspace and everything in it (Terraform's module target)."""


def address_workspace(address: str) -> str | None:
    """The workspace slug an address belongs to (None for organization-level addresses)."""
    kind, _, rest = address.partition(":")
    if not rest or kind == "organization_settings":
        return None
    workspace = rest.split("/", 1)[0]
    return None if workspace == GLOBAL_SCOPE else workspace  # a global BYOK credential: account level


def _owner(address: str) -> str:
    """The address a target names for this one: a key's guardrail assignment goes with the key."""
    kind, _, rest = address.partition(":")
    return f"api_key:{rest}" if kind == "guardrail_assignment" else address


def matches(address: str, patterns: Iterable[str]) -> bool:
    """Whether any pattern selects ``address``."""
    for pattern in patterns:
        if pattern.startswith(WHOLE_WORKSPACE) and "/" not in pattern:
            slug = address_workspace(address)
            if slug is not None and fnmatchcase(slug, pattern.removeprefix(WHOLE_WORKSPACE)):
                return True
        if fnmatchcase(address, pattern) or fnmatchcase(_owner(address), pattern):
            return True
    return False


def select_changes(changes: Sequence[Change], patterns: Sequence[str]) -> list[Change]:
    """The targeted changes, plus the creates of the workspaces they need (in plan order)."""
    if not patterns:
        return list(changes)
    chosen = [c for c in changes if matches(c.address, patterns)]
    needed = {f"workspace:{c.workspace}" for c in chosen if c.workspace}
    return [c for c in changes if c in chosen or (c.action == "create" and c.address in needed)]


def select_unmanaged(unmanaged: Sequence[Unmanaged], patterns: Sequence[str]) -> list[Unmanaged]:
    return [u for u in unmanaged if not patterns or matches(u.address, patterns)]


def mark_observed(changes: Sequence[Change], config: Config) -> list[Change]:
    """Changes to observe-only workspaces (or, with a top-level `mode: observe`, all) flagged so
    apply skips them; they stay in the plan, which reports them."""
    return [
        change.model_copy(update={"observed": True}) if config.observed(address_workspace(change.address)) else change
        for change in changes
    ]
