"""Check everything a plan's writes depend on before the first write: sinks and secret refs.

A sink that turns out to be unusable *after* a key was created would leave a secret nobody
holds; a missing BYOK credential would stop the run half-way. Both are found here, all at once.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from openrouter_iac.errors import ApplyError, OrctlError
from openrouter_iac.kinds import BY_NAME, KINDS
from openrouter_iac.kinds.base import Publisher, SinkOf
from openrouter_iac.live.writer_plain import sends_credential
from openrouter_iac.model.config import Config
from openrouter_iac.plan.model import Change, Plan
from openrouter_iac.secrets import KeyRef, SecretSink, resolve_secret_ref

SinkOpener = Callable[[str], SecretSink]


MINTING: tuple[tuple[str, SinkOf], ...] = tuple(
    (kind.collection, kind.mints_into) for kind in KINDS if kind.collection is not None and kind.mints_into is not None
)
"""The collections whose objects' creates mint a secret (keys), each with the sink a spec names."""


def key_sinks(config: Config) -> dict[KeyRef, str | None]:
    """The sink every configured object that mints a secret (every key) names."""
    return {
        KeyRef(slug, name): sink_of(spec)
        for collection, sink_of in MINTING
        for slug, workspace in config.workspaces.items()
        for name, spec in getattr(workspace, collection).items()
    }


def preflight(plan: Plan, config: Config, *, open_sink: SinkOpener, config_base_dir: Path) -> list[str]:
    """Every problem that would make a write of this plan fail part-way (empty when none). Only the
    kinds' declarations decide what is checked: the sinks of what mints secrets (`mints_into`), the
    publishers (`published_with`) and the secret references (`secret_refs`)."""
    problems: list[str] = []
    sinks = key_sinks(config)
    new_keys: dict[str, list[KeyRef]] = {}
    created = set()
    for change in plan.changes:
        sink_of = BY_NAME[change.kind].mints_into
        if sink_of is not None and change.action in ("create", "replace"):
            ref = KeyRef(change.workspace or "", change.name or "")
            created.add(ref)
            sink = sink_of(change.spec(BY_NAME[change.kind].spec))
            if sink:
                new_keys.setdefault(sink, []).append(ref)
    for sink_name, refs in sorted(new_keys.items()):
        problems.extend(_check_sink(open_sink, sink_name, refs, config))
    for change in plan.changes:
        if change.action == "delete":
            continue
        kind = BY_NAME[change.kind]
        if kind.published_with is not None:
            problems.extend(_check_publisher(change, kind.published_with, sinks, created, open_sink))
        if kind.secret_refs is not None:
            problems.extend(_check_refs(change, config_base_dir))
    return problems


def check_preflight(plan: Plan, config: Config, *, open_sink: SinkOpener, config_base_dir: Path) -> None:
    problems = preflight(plan, config, open_sink=open_sink, config_base_dir=config_base_dir)
    if problems:
        raise ApplyError(
            "nothing was changed: the pre-flight check found "
            f"{len(problems)} problem{'s' if len(problems) != 1 else ''}:\n" + "\n".join(f"  - {p}" for p in problems)
        )


def _check_sink(open_sink: SinkOpener, sink_name: str, refs: list[KeyRef], config: Config) -> list[str]:
    if sink_name not in config.secret_sinks:
        return [f"secret sink {sink_name!r} (named by {', '.join(map(str, refs))}) is not declared"]
    try:
        open_sink(sink_name).check_usable(refs)
    except OrctlError as exc:
        return [str(exc)]
    return []


def _check_publisher(
    change: Change, declared: Publisher, sinks: dict[KeyRef, str | None], created: set[KeyRef], open_sink: SinkOpener
) -> list[str]:
    kind = BY_NAME[change.kind]
    publisher = declared.of(change.spec(kind.spec))
    if not publisher:
        if change.action == "create" and change.details.restore_if_archived:
            # It may be an archived slug coming back (an export has no publish_with): apply tries
            # the restore first and needs a publisher only if the slug is free or the content differs.
            return []
        return [f"{change.address}: the {kind.singular} needs {declared.field} (the key whose secret writes it)"]
    ref = KeyRef(change.workspace or "", publisher)
    sink_name = sinks.get(ref)
    if sink_name is None:
        return [f"{change.address}: its publisher key '{ref}' has no secret_sink, so its secret cannot be read"]
    try:
        sink = open_sink(sink_name)
    except OrctlError as exc:
        return [str(exc)]
    if not sink.readable:
        return [f"{change.address}: sink {sink_name!r} of publisher key '{ref}' cannot be read back"]
    if ref not in created:  # a key created in this run is checked by its sink's check_usable
        try:
            secret = sink.read_secret(ref)
        except OrctlError as exc:
            return [f"{change.address}: {exc}"]
        if not secret:
            return [f"{change.address}: sink {sink_name!r} holds no secret for publisher key '{ref}'"]
    return []


def _check_refs(change: Change, base_dir: Path) -> list[str]:
    """The secret references of the change's kind (its `secret_refs`), when this write sends them."""
    kind = BY_NAME[change.kind]
    if not sends_credential(change) or kind.secret_refs is None or change.desired is None:
        return []
    refs = kind.secret_refs(change.desired)
    problems = []
    for where, ref in refs:
        if not isinstance(ref, str) or not ref:
            problems.append(f"{change.address}: {where} has no secret reference")
            continue
        try:
            resolve_secret_ref(ref, base_dir=base_dir)
        except OrctlError as exc:
            problems.append(f"{change.address}: {where}: {exc}")
    return problems
