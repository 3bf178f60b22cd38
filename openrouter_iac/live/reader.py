"""Reading the whole live account in the fewest calls, concurrently, into a :class:`LiveSnapshot`.

Every list endpoint is read page by page, its pages in flight together: up to the reported
``total_count`` at once, or, for `/keys` (no total), ahead of the last full page in a window that
grows to ``parallelism`` (client/paging.py). Account-wide lists (guardrail assignments,
presets) are read once, never per object. Two pools keep this deadlock-free: coordinators (one
per list, free to wait) and request workers (bounded by ``parallelism``, never waiting).
"""

from __future__ import annotations

import functools
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from openrouter_iac.client import OpenRouterClient
from openrouter_iac.client.paging import ConcurrentPages
from openrouter_iac.errors import ApiError, ApiRequestError, MalformedResponseError, NotFoundError, OrctlError
from openrouter_iac.gc_pause import paused_gc
from openrouter_iac.kinds import KINDS, NAMED, byok_key, default_guardrail
from openrouter_iac.kinds import organization as organization_kind
from openrouter_iac.kinds import preset as preset_kind
from openrouter_iac.kinds import workspace as workspace_kind
from openrouter_iac.kinds.base import ReadContext, ResourceKind
from openrouter_iac.live.lease import is_lease_name
from openrouter_iac.live.pool import NORMAL, URGENT, PriorityPool
from openrouter_iac.model.address import Address, KindName
from openrouter_iac.model.resources import AccountState, Preset, Workspace
from openrouter_iac.model.retiring import RetiringKey, parse_retiring
from openrouter_iac.model.snapshot import (
    PENDING_NAME,
    Catalogue,
    GlobalCredential,
    KeyActivities,
    LiveSnapshot,
    OrphanKey,
    PresetHistory,
    split_rotation,
)

KEYS_PAGE = 100
LIST_PAGE = 100
DEFAULT_WORKSPACE_SLUG = "default"

WantsHistory = Callable[[str, dict[str, Any]], bool]
"""Given a preset's address (`preset:<workspace>/<slug>`) and its designated content, whether to
read all its versions."""


class _Fetcher:
    def __init__(self, client: OpenRouterClient, parallelism: int) -> None:
        self.client = client
        self.parallelism = parallelism
        self.requests = PriorityPool(parallelism, "orctl-read")
        self.coordinators = ThreadPoolExecutor(max_workers=64, thread_name_prefix="orctl-list")
        self.warnings: list[str] = []
        self._warnings_lock = threading.Lock()

    def close(self) -> None:
        self.coordinators.shutdown(wait=True, cancel_futures=True)
        self.requests.shutdown()

    def warn(self, message: str) -> None:
        with self._warnings_lock:
            self.warnings.append(message)

    def get(self, path: str, resource: str, params: Mapping[str, Any] | None = None, priority: int = NORMAL) -> Any:
        query = dict(params or {})
        return self.requests.submit(lambda: self.client.get(path, params=query, resource=resource), priority).result()

    def later(self, work: Callable[[], Any]) -> Future[Any]:
        return self.coordinators.submit(work)

    def paged(self, path: str, resource: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        return self.paged_async(path, resource, params).result()  # type: ignore[no-any-return]

    def get_async(self, path: str, resource: str, params: Mapping[str, Any] | None = None) -> Future[Any]:
        """One request, no waiting thread: the future completes on a request worker."""
        query = dict(params or {})
        return self.requests.submit(lambda: self.client.get(path, params=query, resource=resource))

    def paged_async(self, path: str, resource: str, params: Mapping[str, Any] | None = None) -> Future[Any]:
        """Every item of a list, its pages in flight together (see ConcurrentPages); no waiting thread.

        `/keys` has a fixed page size and no ``limit`` or ``total_count``; other lists take both.
        A later page of a list goes before first pages: it may be what the list's end waits on.
        """
        base = dict(params or {})
        page_size = KEYS_PAGE if path == "/keys" else LIST_PAGE
        paging = {} if path == "/keys" else {"limit": LIST_PAGE}

        def fetch_now(offset: int) -> Any:
            return self.client.get(path, params={**base, **paging, "offset": offset}, resource=resource)

        def submit(offset: int, follow_up: bool) -> Future[Any]:
            return self.requests.submit(functools.partial(fetch_now, offset), URGENT if follow_up else NORMAL)

        pages = ConcurrentPages(
            submit, fetch_now, resource=resource, page_size=page_size, window=self.parallelism, warn=self.warn
        )
        return pages.start()


@dataclass
class _WorkspaceData:
    raw: dict[str, Any]
    lists: dict[KindName, Any] = field(default_factory=dict)
    """What each kind's per-workspace read returned (see `ResourceKind.reads`)."""

    def items(self, kind: KindName) -> list[dict[str, Any]]:
        return self.lists.get(kind) or []


def _start_workspace(fetch: _Fetcher, raw: dict[str, Any]) -> dict[KindName, Future[Any]]:
    """Start the list of every kind the table reads per workspace; none of them needs a waiting thread."""
    ws_id, slug = raw["id"], raw["slug"]
    jobs: dict[KindName, Future[Any]] = {}
    for kind in KINDS:
        reads = kind.reads
        if reads is None:
            continue
        path = reads.path.format(workspace_id=ws_id)
        params = {**({"workspace_id": ws_id} if reads.scoped else {}), **dict(reads.params)}
        what = f"{reads.what} of workspace '{slug}'"
        jobs[kind.name] = fetch.paged_async(path, what, params) if reads.paged else fetch.get_async(path, what, params)
    return jobs


def _read_presets(
    fetch: _Fetcher, presets: list[tuple[str, dict[str, Any]]], wants_history: WantsHistory | None
) -> dict[str, PresetHistory]:
    """Each preset's designated version (one read each); all versions only where the content differs.

    ``presets`` are (workspace slug, listed preset). A preset is a slug *in a workspace*: every
    read names the workspace, so one slug in two workspaces is two presets, never one read twice."""
    jobs: dict[str, tuple[str, dict[str, str], Future[Any]]] = {}
    for workspace, p in presets:
        address: str = Address.of("preset", workspace, p["slug"])
        scope = {"workspace_id": p["workspace_id"]}
        what = f"preset '{p['slug']}' of workspace '{workspace}'"
        jobs[address] = (p["slug"], scope, fetch.get_async(f"/presets/{p['slug']}", what, scope))
    designated: dict[str, Preset | None] = {}
    numbers: dict[str, int] = {}
    for address, (_, _, job) in jobs.items():
        version = job.result()["data"].get("designated_version") or {}
        numbers[address] = int(version.get("version") or 0)
        designated[address] = preset_kind.from_version(version) if version else None
    history_jobs = {
        address: fetch.paged_async(f"/presets/{jobs[address][0]}/versions", f"versions of {address}", jobs[address][1])
        for address, spec in designated.items()
        if wants_history is not None and wants_history(address, spec.content() if spec else {})
    }
    histories: dict[str, PresetHistory] = {}
    for address, spec in designated.items():
        versions = {numbers[address]: spec} if spec else {}
        if address in history_jobs:
            versions.update({int(v["version"]): preset_kind.from_version(v) for v in history_jobs[address].result()})
        histories[address] = PresetHistory(numbers[address], versions)
    return histories


def _read_unlisted_default_guardrails(fetch: _Fetcher, workspace_data: list[_WorkspaceData]) -> None:
    """A workspace's default guardrail read by id where its list does not give it: the spec does
    not promise the list includes it. A 404 means it has never been configured."""
    jobs = []
    for data in workspace_data:
        default_id = data.raw["default_guardrail_id"]
        if not any(item["id"] == default_id for item in data.items("guardrail")):
            what = f"default guardrail of workspace '{data.raw['slug']}'"
            jobs.append((data, fetch.get_async(f"/guardrails/{default_id}", what)))
    for data, job in jobs:
        try:
            found = job.result()["data"]
        except NotFoundError:
            continue
        data.lists["guardrail"] = [*data.items("guardrail"), found]


@contextmanager
def _interpreting(resource: str) -> Iterator[None]:
    """Report an answer orctl cannot interpret (a missing field, a wrong type) as one clear error."""
    try:
        yield
    except OrctlError:
        raise
    except KeyError as exc:
        raise _not_understood(resource, f"an item without the {str(exc.args[0])!r} field") from None
    except (TypeError, AttributeError, ValueError) as exc:
        raise _not_understood(resource, f"a value of an unexpected type ({type(exc).__name__})") from None


def _not_understood(resource: str, problem: str) -> MalformedResponseError:
    return MalformedResponseError(
        f"{resource}: the API answered with {problem}",
        resource=resource,
        status=200,
        hint="check that --base-url points at the OpenRouter API (…/api/v1); "
        "if it does, the API has changed: please report it",
    )


def _account_list(work: Callable[[], Any], base_url: str, resource: str) -> Callable[[], Any]:
    """An account-wide list cannot have been deleted: a 404 on it means the base URL is wrong."""

    def run() -> Any:
        try:
            return work()
        except NotFoundError as exc:
            raise NotFoundError(
                f"{resource}: {base_url} has no such list (HTTP 404)",
                resource=resource,
                status=exc.status,
                hint="check --base-url / OPENROUTER_BASE_URL: it must point at the OpenRouter API, "
                "e.g. https://openrouter.ai/api/v1",
            ) from None

    return run


def _workspace_lists(fetch: _Fetcher, raw: dict[str, Any], jobs: dict[KindName, Future[Any]]) -> dict[KindName, Any]:
    """The results of one workspace's lists; a workspace deleted meanwhile is reported as such."""
    try:
        return {name: job.result() for name, job in jobs.items()}
    except (NotFoundError, ApiRequestError) as exc:
        # The lists of a workspace that no longer exists answer 404 or 400 ("does not exist").
        try:
            fetch.get(f"/workspaces/{raw['id']}", f"workspace '{raw['slug']}'")
        except NotFoundError:
            raise NotFoundError(
                f"workspace '{raw['slug']}' was deleted while the account was being read "
                f"({exc.resource}: HTTP {exc.status})",
                resource=f"workspace '{raw['slug']}'",
                status=404,
                hint="it was removed outside orctl during the read: run the command again",
            ) from None
        except ApiError:
            pass
        raise


def _default_workspace_id(fetch: _Fetcher, listed: list[dict[str, Any]]) -> str | None:
    """The id of the workspace the key's unscoped calls act in. The API has no flag and the default
    workspace can be renamed: GET /key names it for a scoped key; else any key an unscoped /keys
    lists is in it; else the slug `default` (a new account). None when it cannot be told."""
    ids = {str(w.get("id")) for w in listed}
    with _interpreting("current key"):
        me = _optional(lambda: fetch.get("/key", "current key"))
        scoped = (me or {}).get("data", {}).get("workspace_id") if isinstance(me, dict) else None
    if scoped in ids:
        return str(scoped)
    try:
        page = fetch.get("/keys", "keys", {"include_disabled": "true", "include_expired": "true"})
    except ApiRequestError:
        return None  # 400: the default workspace has been deleted
    with _interpreting("keys"):
        found = next((k.get("workspace_id") for k in page.get("data") or [] if k.get("workspace_id") in ids), None)
    if found is not None:
        return str(found)
    return next((str(w["id"]) for w in listed if w.get("slug") == DEFAULT_WORKSPACE_SLUG), None)


def _optional(work: Callable[[], Any]) -> Any:
    try:
        return work()
    except NotFoundError:
        return None  # e.g. /organization/settings on an API without it


def _catalogue(models: list[dict[str, Any]], providers: list[dict[str, Any]]) -> Catalogue:
    canonical: dict[str, str] = {}
    for model in models:
        permaslug = model.get("canonical_slug") or model["id"]
        canonical[model["id"]] = permaslug
        canonical[permaslug] = permaslug
    return Catalogue(canonical, frozenset(p["slug"] for p in providers))


class _Assembler:
    """Builds the spec-shaped state and the id index from the raw lists."""

    def __init__(self, key_assignments: list[dict[str, Any]], member_assignments: list[dict[str, Any]]) -> None:
        self.guardrail_of_key = {a["key_hash"]: a["guardrail_id"] for a in key_assignments}
        self.members_of_guardrail: dict[str, list[str]] = {}
        for assignment in member_assignments:
            self.members_of_guardrail.setdefault(assignment["guardrail_id"], []).append(assignment["user_id"])
        self.ids: dict[str, str] = {}
        self.duplicates: dict[str, list[str]] = {}
        self.orphans: list[OrphanKey] = []
        self.retiring: list[RetiringKey] = []
        self.unnamed: list[str] = []
        self.markers: dict[str, str] = {}
        self.shadowed: dict[str, dict[str, Any]] = {}
        self.updated_at: dict[str, str] = {}
        self.listed_keys: dict[str, dict[str, Any]] = {}
        """Key hash → the key as listed (its usage facts are made from it when asked for)."""
        self.global_byok: dict[str, dict[str, Any]] = {}
        """Global BYOK credentials by id: listed in every workspace, kept once."""

    def _index(self, address: str, live_id: str, taken: dict[str, Any], name: str, spec: Any) -> bool:
        """Record an id; False (a duplicate, kept in ``shadowed``) when the name is already taken."""
        if name in taken:
            self.duplicates.setdefault(address, [self.ids[address]]).append(live_id)
            self.shadowed.setdefault(address, {})[live_id] = spec
            return False
        self.ids[address] = live_id
        taken[name] = spec
        return True

    def _stamp(self, item: dict[str, Any], live_id: str) -> None:
        if isinstance(item.get("updated_at"), str):
            self.updated_at[live_id] = item["updated_at"]

    def workspace(self, data: _WorkspaceData) -> Workspace:
        raw = data.raw
        slug = raw["slug"]
        self.ids[Address.of("workspace", slug)] = raw["id"]
        self._stamp(raw, raw["id"])
        self.ids[Address.of("default_guardrail", slug)] = raw["default_guardrail_id"]
        # Every named kind's objects of this workspace, by the name a config would give them; then
        # the names the others refer to them by (a shared name is referred to by id: exact).
        listed = {kind.name: self._listed(kind, data) for kind in READ_NAMED}
        context = ReadContext(
            names={kind.name: _unique_names(kind, listed[kind.name]) for kind in READ_NAMED if listed[kind.name]},
            guardrail_of_key=self.guardrail_of_key,
            members_of_guardrail=self.members_of_guardrail,
        )
        collections = {
            kind.collection: self._collection(kind, slug, listed[kind.name], context)
            for kind in READ_NAMED
            if kind.collection is not None
        }
        # The workspace's settings: its budgets, default guardrail and members.
        default_policy = next(
            (
                default_guardrail.from_api(item)
                for item in data.items("guardrail")
                if item["id"] == raw["default_guardrail_id"]
            ),
            None,
        )
        listed_budgets: dict[str, Any] = data.lists.get("workspace_budget") or {}
        budgets = listed_budgets.get("data") or []
        include_byok = bool(listed_budgets.get("include_byok_in_budgets", raw.get("include_byok_in_budgets")))
        base = workspace_kind.from_api(raw, budgets, include_byok)
        members = sorted(m["user_id"] for m in data.items("workspace_members"))
        return base.model_copy(update={"default_guardrail": default_policy, "members": members, **collections})

    def _listed(self, kind: ResourceKind, data: _WorkspaceData) -> list[_Listed]:
        """The kind's listed items that are this workspace's objects, with their names."""
        if kind.name in READ_APART:
            return []
        special = _LISTINGS.get(kind.name)
        if special is not None:
            return special(self, data)
        rotates = kind.secret_field is not None  # its name carries the rotation marker
        out: list[_Listed] = []
        for item in data.items(kind.name):
            name = item.get("name") or f"(unnamed {item[kind.id_field]})"
            out.append((*split_rotation(name), item) if rotates else (name, None, item))
        return out

    def _collection(self, kind: ResourceKind, slug: str, listed: list[_Listed], context: ReadContext) -> dict[str, Any]:
        """The kind's specs by name; a second object of one name is kept aside (``shadowed``)."""
        from_api = kind.from_api
        if from_api is None:
            return {}
        # Once per object (20,000 keys): the index and the stamps are written here, not by call.
        kind_name, id_field, prefix = kind.name, kind.id_field, f"{kind.name}:{slug}/"
        ids, updated_at, markers = self.ids, self.updated_at, self.markers
        found: dict[str, Any] = {}
        for name, marker, item in listed:
            live_id = item[id_field]
            address = Address(prefix + name, kind_name, slug, name)  # Address.of, spelled out
            updated = item.get("updated_at")
            if isinstance(updated, str):
                updated_at[live_id] = updated
            spec = from_api(item, context)
            if name in found:
                self.duplicates.setdefault(address, [ids[address]]).append(live_id)
                self.shadowed.setdefault(address, {})[live_id] = spec
                continue
            ids[address] = live_id
            found[name] = spec
            if marker:
                markers[address] = marker
        return found

    def _named_guardrails(self, data: _WorkspaceData) -> list[_Listed]:
        default_id = data.raw["default_guardrail_id"]
        return [
            (item["name"], None, item)
            for item in data.items("guardrail")
            # The default guardrail is a setting; the apply lease (live/lease.py) is never managed
            # nor reported.
            if item["id"] != default_id and not is_lease_name(item["name"])
        ]

    def _live_keys(self, data: _WorkspaceData) -> list[_Listed]:
        """The workspace's keys; a provisional key is an orphan, a retiring one is set aside."""
        slug = data.raw["slug"]
        listed_keys = self.listed_keys
        out: list[_Listed] = []
        for item in data.items("api_key"):
            name = item["name"]
            if ORCTL_MARK in name:  # once per key (20,000 of them): the regexes only where they can match
                pending = PENDING_NAME.match(name)
                if pending:
                    self.orphans.append(OrphanKey(slug, pending["name"], item["hash"]))
                    continue
                retiring = parse_retiring(name)
                if retiring:
                    rotated_out, due = retiring
                    self.retiring.append(RetiringKey(slug, rotated_out, item["hash"], due, bool(item.get("disabled"))))
                    continue
            listed_keys[item["hash"]] = item
            out.append((name, None, item))
        return out

    def _workspace_byok(self, data: _WorkspaceData) -> list[_Listed]:
        ws_id, slug = data.raw["id"], data.raw["slug"]
        out: list[_Listed] = []
        for item in data.items("byok_key"):
            owner = item.get("workspace_id", ws_id)
            if owner is None:
                # A global credential is listed in every workspace; it is not this workspace's to
                # change or prune: kept once, shown at account level.
                self.global_byok.setdefault(str(item["id"]), item)
                continue
            if owner != ws_id:
                continue
            if not item.get("name"):
                self.unnamed.append(Address.of("byok_key", slug, f"(unnamed {item['provider']} {item['id']})"))
                continue
            out.append((*split_rotation(item["name"]), item))
        return out


_Listed = tuple[str, str | None, dict[str, Any]]
"""A listed item of a workspace's own: the name a config gives it (the live name without its
rotation marker), the marker, the item."""

ORCTL_MARK = "[orctl-"
"""Part of every name orctl gives a key itself (pending, retiring): a key without it is neither."""


_LISTINGS: dict[KindName, Callable[[_Assembler, _WorkspaceData], list[_Listed]]] = {
    "guardrail": _Assembler._named_guardrails,
    "api_key": _Assembler._live_keys,
    "byok_key": _Assembler._workspace_byok,
}
"""Kinds whose list holds more than this workspace's objects (or whose names say more); every other
named kind's items are all its objects, named by `name` (with the rotation marker split off where
the kind has a secret)."""

READ_APART: frozenset[KindName] = frozenset({"preset"})
"""Named kinds whose listed items are not their specs: a preset's content is its designated version,
read after the lists (`_read_presets`)."""

READ_NAMED: tuple[ResourceKind, ...] = tuple(kind for kind in NAMED if kind.reads is not None)
"""The named kinds read per workspace, into their collections (the table's order)."""


def _unique_names(kind: ResourceKind, listed: list[_Listed]) -> dict[str, str]:
    """Live id → name of the objects whose name no other object of the kind shares."""
    id_field = kind.id_field
    names = [name for name, _, _ in listed]
    shared = _shared_names(names) if len(set(names)) < len(names) else set()
    return {item[id_field]: name for name, _, item in listed if name not in shared}


def _global_credentials(items: Iterable[dict[str, Any]]) -> list[GlobalCredential]:
    """Each global credential under a name unique among them (its id added where names collide)."""
    listed = sorted(items, key=lambda item: (str(item.get("name") or ""), str(item["id"])))
    named = [(split_rotation(item["name"])[0] if item.get("name") else "", item) for item in listed]
    shared = _shared_names(name for name, _ in named if name)
    out = []
    for name, item in named:
        if not name:
            name = f"(unnamed {item['provider']} {item['id']})"
        elif name in shared:
            name = f"{name} ({item['id']})"
        out.append(GlobalCredential(str(item["id"]), name, byok_key.from_api(item, ReadContext())))
    return out


def _shared_names(names: Iterable[str]) -> set[str]:
    counts = Counter(names)
    return {name for name, count in counts.items() if count > 1}


@paused_gc()
def read_live(
    client: OpenRouterClient, *, parallelism: int = 10, wants_history: WantsHistory | None = None
) -> LiveSnapshot:
    """A complete snapshot of the account. Raises the client's ApiError subclasses on failure."""
    fetch = _Fetcher(client, parallelism)
    base_url = client.base_url
    try:
        workspaces_job = fetch.later(
            _account_list(lambda: fetch.paged("/workspaces", "workspaces"), base_url, "workspaces")
        )
        key_assign_job = fetch.later(
            _account_list(
                lambda: fetch.paged("/guardrails/assignments/keys", "guardrail key assignments"),
                base_url,
                "guardrail key assignments",
            )
        )
        member_assign_job = fetch.later(
            _account_list(
                lambda: fetch.paged("/guardrails/assignments/members", "guardrail member assignments"),
                base_url,
                "guardrail member assignments",
            )
        )
        settings_job = fetch.later(
            lambda: _optional(lambda: fetch.get("/organization/settings", "organization settings"))
        )
        models_job = fetch.later(
            _account_list(
                lambda: fetch.get("/models", "model catalogue", {"output_modalities": "all"}),
                base_url,
                "model catalogue",
            )
        )
        providers_job = fetch.later(
            _account_list(lambda: fetch.get("/providers", "provider catalogue"), base_url, "provider catalogue")
        )

        workspaces_listed = workspaces_job.result()
        default_job = fetch.later(lambda: _default_workspace_id(fetch, workspaces_listed))
        with _interpreting("workspaces"):
            workspace_jobs = [(raw, _start_workspace(fetch, raw)) for raw in workspaces_listed]
        key_assignments, member_assignments = key_assign_job.result(), member_assign_job.result()
        with _interpreting("guardrail assignments"):
            assembler = _Assembler(key_assignments, member_assignments)
        workspace_data = [_WorkspaceData(raw, _workspace_lists(fetch, raw, jobs)) for raw, jobs in workspace_jobs]
        with _interpreting("guardrails"):
            _read_unlisted_default_guardrails(fetch, workspace_data)
        with _interpreting("presets"):
            # A preset's identity is workspace + slug: each workspace's list is its own.
            presets = [
                (data.raw["slug"], {**p, "workspace_id": data.raw["id"]})
                for data in workspace_data
                for p in data.items("preset")
            ]
            histories = _read_presets(fetch, presets, wants_history)
        models, providers = models_job.result(), providers_job.result()
        with _interpreting("model and provider catalogues"):
            catalogue = _catalogue(models["data"], providers["data"])
        settings = settings_job.result()
        default_id = default_job.result()
    finally:
        fetch.close()

    slug_of = {data.raw["id"]: data.raw["slug"] for data in workspace_data}
    workspaces: dict[str, Workspace] = {}
    for data in workspace_data:
        with _interpreting(f"workspace '{data.raw['slug']}'"):
            workspaces[data.raw["slug"]] = assembler.workspace(data)
    with _interpreting("presets"):
        for slug, preset in presets:
            address = Address.of("preset", slug, preset["slug"])
            history = histories[address]
            designated = history.versions.get(history.designated_version)
            if designated is None:
                continue
            assembler.ids[address] = preset["id"]
            assembler._stamp(preset, preset["id"])
            ws = workspaces[slug]
            workspaces[slug] = ws.model_copy(update={"presets": {**ws.presets, preset["slug"]: designated}})
    with _interpreting("global BYOK credentials"):
        global_byok = _global_credentials(assembler.global_byok.values())
    organization = None
    if settings is not None:
        with _interpreting("organization settings"):
            organization = organization_kind.from_api(settings["data"])
    return LiveSnapshot(
        state=AccountState(organization=organization, workspaces=workspaces),
        ids=assembler.ids,
        catalogue=catalogue,
        default_workspace=slug_of.get(default_id or ""),
        default_unknown=default_id is None and any(w.get("slug") for w in workspaces_listed),
        duplicates=assembler.duplicates,
        orphans=assembler.orphans,
        retiring=assembler.retiring,
        unnamed=assembler.unnamed,
        presets=histories,
        rotation_markers=assembler.markers,
        warnings=list(fetch.warnings),
        shadowed=assembler.shadowed,
        updated_at=assembler.updated_at,
        key_activity=KeyActivities(assembler.listed_keys),
        global_byok=global_byok,
    )
