"""Which changes of a plan depend on which: the graph a parallel apply schedules by.

Every edge joins two changes that must not run at the same time, and says which runs first. The
rules come from the kinds table (containment, what names what) and from the changes themselves
(renames, budget caps); each edge is typed with the rule that made it, so tests and `orctl`
can say why two changes wait for each other:

- ``organization``: organization settings before everything after them (the catalogue they filter);
- ``same_object``: two changes of one address keep their order (a delete of a duplicate, a replace);
- ``workspace``: a workspace is created or renamed before anything in it is written;
- ``budget_order``: a workspace's budget writes run one by one, in the order
  :func:`openrouter_iac.plan.budgets.budget_steps` chose, so lifetime > monthly > weekly > daily
  holds at every step;
- ``names_key``: a key is created (secured, delivered) or renamed before anything that names it:
  its assignment, BYOK ``allowed_keys``, destination ``api_keys``, a preset's ``publish_with``;
- ``names_guardrail``: a guardrail is written before the keys and assignments that name it;
- ``frees_name``: a rename that frees a name before the create or rename that takes it;
- ``dependents_first``: deletes of what depends on an object (or lives in it) before its delete;
  a key moved to another workspace leaves the old one before that workspace is deleted;
- ``members_after_keys``: a workspace's members are removed after its keys are deleted (the API
  refuses to remove a member who holds an active key there);
- ``publish_after_policy``: a preset is published (an inference call through its ``publish_with``
  key) after what that call passes through: the workspace, its budgets, default guardrail,
  guardrails, BYOK credentials, the key and the key's assignment.

:func:`order_changes` makes the plan order agree with every edge (the planner calls it), so
running the changes one by one in plan order is always a valid schedule: ``--parallelism 1``.
The graph is a pure function of the change list: a saved plan gets the same graph back.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple, get_args

from openrouter_iac.kinds import BY_NAME
from openrouter_iac.model.address import Address
from openrouter_iac.model.payloads import AssignmentWrite
from openrouter_iac.model.resources import ApiKey, ByokKey, ObservabilityDestination, Preset
from openrouter_iac.plan.model import Change

Rule = Literal[
    "organization",
    "same_object",
    "workspace",
    "budget_order",
    "names_key",
    "names_guardrail",
    "frees_name",
    "dependents_first",
    "members_after_keys",
    "publish_after_policy",
]

RULES: tuple[Rule, ...] = get_args(Rule)  # one list: the Literal is the source

_POLICY_KINDS = frozenset({"workspace", "workspace_budget", "default_guardrail", "guardrail", "byok_key"})
"""What an inference call of a workspace passes through (besides its key and the key's guardrail)."""

_NAMING_KINDS = frozenset({"api_key", "guardrail_assignment", "preset", "byok_key", "observability_destination"})
_KEY_LISTS = ("allowed_keys", "api_keys")
"""Fields of BYOK keys and destinations that name keys of their workspace."""


class Edge(NamedTuple):
    """``before`` runs, and finishes, before ``after`` starts (indexes into the change list)."""

    before: int
    after: int
    rule: Rule


@dataclass(frozen=True)
class ChangeGraph:
    """The changes (in plan order) and the edges between them. Every edge points forward in plan
    order once the planner has ordered the changes (:func:`order_changes`)."""

    changes: tuple[Change, ...]
    edges: tuple[Edge, ...]
    _needs: tuple[frozenset[int], ...] = field(repr=False, compare=False, default=())
    _unblocks: tuple[tuple[int, ...], ...] = field(repr=False, compare=False, default=())

    @classmethod
    def of(cls, changes: Sequence[Change], edges: Iterable[Edge]) -> ChangeGraph:
        unique = tuple(dict.fromkeys(edges))
        needs: list[set[int]] = [set() for _ in changes]
        unblocks: list[list[int]] = [[] for _ in changes]
        for edge in unique:
            if edge.before not in needs[edge.after]:
                needs[edge.after].add(edge.before)
                unblocks[edge.before].append(edge.after)
        return cls(
            tuple(changes),
            unique,
            tuple(frozenset(n) for n in needs),
            tuple(tuple(sorted(u)) for u in unblocks),
        )

    def needs(self, index: int) -> frozenset[int]:
        """The changes that must finish before change ``index`` starts."""
        return self._needs[index]

    def unblocks(self, index: int) -> tuple[int, ...]:
        """The changes waiting (among others) for change ``index``."""
        return self._unblocks[index]

    def rules_between(self, before: int, after: int) -> set[Rule]:
        return {e.rule for e in self.edges if e.before == before and e.after == after}

    def is_forward(self) -> bool:
        """Whether plan order satisfies every edge (then a serial run in plan order is valid)."""
        return all(edge.before < edge.after for edge in self.edges)

    def longest_chain(self, weight: Callable[[Change], int] = lambda change: 1) -> int:
        """The heaviest path through the graph (``weight`` per change, e.g. its API calls): the
        least time an apply with unlimited parallelism needs, in units of ``weight``."""
        if not self.is_forward():
            raise ValueError("the graph is not in plan order")
        best: list[int] = [0] * len(self.changes)
        for index, change in enumerate(self.changes):
            best[index] = weight(change) + max((best[i] for i in self._needs[index]), default=0)
        return max(best, default=0)


def dependency_graph(changes: Sequence[Change]) -> ChangeGraph:
    """The dependency graph of ``changes`` (in the plan's order)."""
    return ChangeGraph.of(changes, _edges(changes))


def order_changes(changes: Sequence[Change]) -> list[Change]:
    """``changes`` reordered as little as possible so every edge points forward: a stable
    topological sort (plan order wins among changes that are free to go). Only ``frees_name``
    can point backwards; a cycle of renames (two objects swapping names) keeps plan order."""
    if not any(change.details.renamed_from for change in changes):
        return list(changes)  # only a rename can point backwards: most plans need no pass at all
    edges = list(_edges(changes))
    if all(e.before < e.after for e in edges):
        return list(changes)
    ordered = _stable_topological(len(changes), edges)
    if ordered is None:  # a name swap: the API sees the same sequence as before this graph existed
        ordered = _stable_topological(len(changes), [e for e in edges if e.before < e.after])
    assert ordered is not None  # forward edges alone never make a cycle
    return [changes[i] for i in ordered]


def _stable_topological(count: int, edges: Sequence[Edge]) -> list[int] | None:
    needs = [0] * count
    unblocks: dict[int, list[int]] = defaultdict(list)
    for edge in set((e.before, e.after) for e in edges):
        needs[edge[1]] += 1
        unblocks[edge[0]].append(edge[1])
    ready = [i for i in range(count) if needs[i] == 0]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        index = heapq.heappop(ready)
        order.append(index)
        for waiting in unblocks[index]:
            needs[waiting] -= 1
            if needs[waiting] == 0:
                heapq.heappush(ready, waiting)
    return order if len(order) == count else None


# ------------------------------------------------------------------ the rules


def _edges(changes: Sequence[Change]) -> Iterable[Edge]:
    """Edges in one pass over the plan (linear: 20,000 keys must not be n²). Each rule links a
    change to the latest earlier change it conflicts with; earlier ones follow by transitivity
    through ``same_object``."""
    last_at: dict[str, int] = {}  # address -> latest change of it so far
    organization: int | None = None
    workspace_write: dict[str, int] = {}  # slug -> its latest create/update
    last_budget: dict[str, int] = {}
    in_workspace: dict[str, list[int]] = defaultdict(list)
    key_changes: dict[str, list[int]] = defaultdict(list)  # workspace -> its api_key changes so far
    policy: dict[str, list[int]] = defaultdict(list)  # workspace -> changes a preset publish goes through
    namers: dict[str, list[int]] = defaultdict(list)  # key/guardrail address -> changes naming it
    freed: dict[tuple[str, str | None, str], int] = {}  # (kind, workspace, old name) -> the rename
    taken: dict[tuple[str, str | None, str], list[int]] = defaultdict(list)  # name -> its takers
    for index, change in enumerate(changes):
        address, workspace, kind = str(change.address), change.workspace, change.kind
        if organization is not None:
            yield Edge(organization, index, "organization")
        if kind == "organization_settings":
            organization = index
        if address in last_at:
            yield Edge(last_at[address], index, "same_object")
        last_at[address] = index
        if workspace is not None and kind != "workspace" and workspace in workspace_write:
            yield Edge(workspace_write[workspace], index, "workspace")
        if kind == "workspace_budget" and workspace is not None:
            if workspace in last_budget:
                yield Edge(last_budget[workspace], index, "budget_order")
            last_budget[workspace] = index
        for named in sorted(_names(change)) if kind in _NAMING_KINDS else ():
            rule: Rule = "names_guardrail" if named.startswith("guardrail:") else "names_key"
            if named in last_at and named != address:
                yield Edge(last_at[named], index, rule)
            namers[named].append(index)
        if (
            kind == "workspace_members"
            and workspace is not None
            and (change.action == "delete" or change.details.remove)
        ):
            for earlier in key_changes.get(workspace, ()):
                yield Edge(earlier, index, "members_after_keys")
        if kind == "preset" and workspace is not None:
            publisher = change.desired.publish_with if isinstance(change.desired, Preset) else None
            waits = list(policy.get(workspace, ()))
            if publisher:
                waits += [last_at[a] for a in _publisher(workspace, publisher) if a in last_at]
            for earlier in sorted(set(waits)):
                yield Edge(earlier, index, "publish_after_policy")
        if change.action == "delete":
            yield from _delete_edges(index, change, in_workspace, namers)
        else:
            if kind == "workspace" and workspace is not None:
                workspace_write[workspace] = index
            freed_name, taken_name = _rename(change)
            if freed_name is not None:
                slot = (kind, _scope(change), freed_name)
                freed[slot] = index
                for taker in taken.get(slot, ()):
                    yield Edge(index, taker, "frees_name")  # points backwards: order_changes moves it
            if taken_name is not None:
                slot = (kind, _scope(change), taken_name)
                if slot in freed and freed[slot] != index:
                    yield Edge(freed[slot], index, "frees_name")
                taken[slot].append(index)
        for touched in _workspaces(change):
            if touched != workspace or kind != "workspace":
                in_workspace[touched].append(index)
        if workspace is not None and kind == "api_key":
            key_changes[workspace].append(index)
        if workspace is not None and kind in _POLICY_KINDS:
            policy[workspace].append(index)


def _delete_edges(
    index: int, change: Change, in_workspace: dict[str, list[int]], namers: dict[str, list[int]]
) -> Iterable[Edge]:
    """A delete waits for every earlier change in what it removes, and for those naming it."""
    if change.kind == "workspace" and change.workspace is not None:
        for earlier in in_workspace.get(change.workspace, ()):
            yield Edge(earlier, index, "dependents_first")
        return
    kind = BY_NAME[change.kind]
    if kind.dependents or change.kind == "api_key":
        for earlier in namers.get(str(change.address), ()):
            if earlier != index:
                yield Edge(earlier, index, "dependents_first")


def _workspaces(change: Change) -> set[str]:
    """The workspaces a change writes in: its own, and the one a moved key leaves."""
    found = {change.workspace} if change.workspace is not None else set()
    if change.kind == "api_key" and change.action == "replace":
        for fc in change.fields:
            if fc.field == "workspace" and isinstance(fc.before, str):
                found.add(fc.before)
    return found


def _publisher(workspace: str, key: str) -> tuple[str, str]:
    return str(Address.of("api_key", workspace, key)), str(Address.of("guardrail_assignment", workspace, key))


def _scope(change: Change) -> str | None:
    """Where a name must be unique: workspaces account-wide, the rest within their workspace."""
    return None if change.kind == "workspace" else change.workspace


def _rename(change: Change) -> tuple[str | None, str | None]:
    """(name freed, name taken) by a create, replace or update."""
    name = change.name or change.address.name or change.workspace
    if change.action in ("create", "replace"):
        return None, name
    renamed_from = change.details.renamed_from
    if renamed_from and renamed_from != name:
        return renamed_from, name
    return None, None


def _names(change: Change) -> set[str]:
    """Addresses of the keys and guardrails this change names (before and after it). Spelled as
    :meth:`Address.of` spells them, with f-strings: this runs once per change of 20,000-key plans."""
    kind, workspace, desired = change.kind, change.workspace, change.desired
    keys: list[str] = []
    guardrails: list[str] = []
    if kind == "api_key":
        if isinstance(desired, ApiKey) and desired.guardrail:
            guardrails.append(desired.guardrail)
    elif kind == "guardrail_assignment":
        if change.name:
            keys.append(change.name)
        if change.details.from_:
            guardrails.append(change.details.from_)
        if isinstance(desired, AssignmentWrite) and desired.guardrail:
            guardrails.append(desired.guardrail)
    elif kind == "preset":
        if isinstance(desired, Preset) and desired.publish_with:
            keys.append(desired.publish_with)
    elif kind in ("byok_key", "observability_destination"):
        if isinstance(desired, ByokKey):
            keys += desired.allowed_keys or []
        elif isinstance(desired, ObservabilityDestination):
            keys += desired.api_keys or []
        for fc in change.fields:  # keys a list names before this change (it may drop them)
            if fc.field in _KEY_LISTS:
                for side in (fc.before, fc.after):
                    keys += [str(name) for name in side] if isinstance(side, list) else []
    if not keys and not guardrails:
        return set()
    if workspace is None:  # a named object outside a workspace names nothing of one
        return set()
    # A key named by hash exists already: nothing in the plan makes it.
    found = {f"api_key:{workspace}/{name}" for name in keys if name and not name.startswith("hash:")}
    found.update(f"guardrail:{workspace}/{name}" for name in guardrails)
    return found
