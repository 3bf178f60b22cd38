"""Unmanaged objects, grouped by workspace and kind so an account of 20,000 keys stays readable.

A group of up to ``GROUP_LIMIT`` objects is listed one per line, as are all of them when every
group is that small; a larger group is one line with its count, its reasons and a few examples.
``show_all`` lists every object (JSON always does).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from openrouter_iac.model.snapshot import GLOBAL_SCOPE
from openrouter_iac.plan.model import Unmanaged

GROUP_LIMIT = 20
"""A workspace's unmanaged objects of one kind beyond this are counted, not listed."""
EXAMPLES = 3
SHOW_ALL_FLAG = "--show-all-unmanaged"


@dataclass
class UnmanagedGroup:
    workspace: str | None
    kind: str
    items: list[Unmanaged] = field(default_factory=list)

    @property
    def collapsed(self) -> bool:
        return len(self.items) > GROUP_LIMIT

    def where(self) -> str:
        return "the account" if self.workspace is None else f"workspace {self.workspace}"

    def reasons(self) -> list[tuple[str, int]]:
        """Each distinct reason with how many objects give it, most common first."""
        return Counter(item.reason for item in self.items).most_common()

    def examples(self) -> list[str]:
        return [item.address for item in self.items[:EXAMPLES]]


def workspace_of(item: Unmanaged) -> str | None:
    """`api_key:team/name` → `team`; `workspace:team` → `team`; account-level objects (and global
    BYOK credentials, `byok_key:(global)/name`) → None."""
    kind, _, rest = item.address.partition(":")
    if kind == "workspace":
        return rest
    workspace, slash, _ = rest.partition("/")
    return workspace if slash and workspace != GLOBAL_SCOPE else None


def group_unmanaged(unmanaged: list[Unmanaged]) -> list[UnmanagedGroup]:
    """Groups in order of first appearance (the plan lists unmanaged objects by address)."""
    groups: dict[tuple[str | None, str], UnmanagedGroup] = {}
    for item in unmanaged:
        workspace = workspace_of(item)
        groups.setdefault((workspace, item.kind), UnmanagedGroup(workspace, item.kind)).items.append(item)
    return list(groups.values())


def displayed(unmanaged: list[Unmanaged], *, show_all: bool) -> list[Unmanaged | UnmanagedGroup]:
    """What to show, in order: single objects, and groups too large to list."""
    groups = group_unmanaged(unmanaged)
    if show_all or not any(group.collapsed for group in groups):
        return list(unmanaged)
    out: list[Unmanaged | UnmanagedGroup] = []
    for group in groups:
        if group.collapsed:
            out.append(group)
        else:
            out.extend(group.items)
    return out


def count(n: int) -> str:
    return f"{n:,}"


def heading(unmanaged: list[Unmanaged]) -> str:
    """`20,053 live objects are not managed by this config` (no colon)."""
    n = len(unmanaged)
    return f"{count(n)} live object{'' if n == 1 else 's'} {'is' if n == 1 else 'are'} not managed by this config"
