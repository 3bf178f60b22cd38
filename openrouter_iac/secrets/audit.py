"""Every secret accounted for: compare what each sink records with the live account.

A stateless plan cannot see a lost secret in the API: the key looks fine while its only copy is
gone, or while the sink holds the secret of another (deleted) key. This module reads back every
sink that can say what it holds (file, env-file, keyring, aws-secrets-manager, and a command
sink's `hash_record`) and reports each declared, live, enabled key whose sink does not record
the live key's hash. The planner turns each finding into a rotation; `orctl drift` reports them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

from openrouter_iac.errors import OrctlError
from openrouter_iac.model.config import Config
from openrouter_iac.model.snapshot import LiveSnapshot
from openrouter_iac.secrets.base import KeyRef, SecretSink

SinkOpener = Callable[[str], SecretSink]


@dataclass(frozen=True)
class LostSecret:
    """A managed key whose sink does not hold its secret."""

    address: str
    """`api_key:<workspace>/<name>` (the declared name)."""
    sink: str
    reason: str
    """Why, naming the sink's location, never a secret."""


@dataclass
class SinkAudit:
    lost: list[LostSecret] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    """Sinks that could not be read (a locked keyring, an unreachable service)."""

    @property
    def lost_by_address(self) -> dict[str, str]:
        return {item.address: f"{item.reason} (sink '{item.sink}')" for item in self.lost}


def _live_name(names: list[str], live_keys: set[str]) -> str | None:
    return next((n for n in names if n in live_keys), None)


def audit_sinks(config: Config, live: LiveSnapshot, open_sink: SinkOpener) -> SinkAudit:
    """Check every declared key that exists live, is enabled and names a sink that can tell."""
    audit = SinkAudit()
    for slug, workspace in config.workspaces.items():
        live_workspace = live.state.workspaces.get(slug)
        if live_workspace is None:
            continue
        for name, spec in workspace.keys.items():
            if spec.secret_sink is None or spec.disabled is True:
                continue
            same_workspace = [p for p in spec.previous_names if "/" not in p]
            live_name = _live_name([name, *same_workspace], set(live_workspace.keys))
            if spec.id is not None:  # pinned by hash: the live name may be anything
                pinned = f"api_key:{slug}/"
                live_name = next(
                    (a[len(pinned) :] for a, i in live.ids.items() if i == spec.id and a.startswith(pinned)), None
                )
            key_hash = live.ids.get(f"api_key:{slug}/{live_name}") if live_name else None
            if live_name is None or key_hash is None:
                continue  # created by this plan, or moved: a new secret is on its way anyway
            address = f"api_key:{slug}/{name}"
            try:
                sink = open_sink(spec.secret_sink)
                lost, finding = _check(sink, slug, name, live_name, key_hash)
            except OrctlError as exc:
                audit.warnings.append(f"{address}: could not check its secret: {exc.message}")
                continue
            if lost:
                audit.lost.append(LostSecret(address, spec.secret_sink, finding))
            elif finding:
                audit.warnings.append(f"{address}: {finding}")
    return audit


def _check(sink: SecretSink, slug: str, name: str, live_name: str, key_hash: str) -> tuple[bool, str]:
    """(lost, why): lost when ``sink`` certainly does not hold the live key's secret; a reason
    without ``lost`` is a doubt worth a warning; ("", False) when all is well or nothing can tell."""
    if not sink.readable and not _records_hashes(sink, KeyRef(slug, live_name)):
        return False, ""  # a command without hash_record: nothing to compare
    # A rename may be half done: the secret is at the old name until the apply moves it.
    refs = [KeyRef(slug, live_name)] + ([KeyRef(slug, name)] if name != live_name else [])
    recorded = [sink.recorded_hash(ref) for ref in refs]
    if key_hash in recorded:
        ref = refs[recorded.index(key_hash)]
        if sink.readable and sink.read_secret(ref) is None:
            return True, f"{sink.location(ref)} records the key's hash but holds no secret"
        return False, ""
    where = sink.location(refs[0])
    if sink.readable and sink.read_secret(refs[0]) is None:
        return True, f"its sink holds no secret at {where}"
    if recorded[0] is None:
        if sink.readable:  # a secret put there by hand, perhaps: say so, do not rotate it away
            return False, f"{where} holds a secret without a recorded key hash; orctl cannot tell whose it is"
        return True, f"{where} records no key hash: the delivery of this key's secret was never confirmed"
    return True, f"the secret at {where} belongs to another key (hash {recorded[0][:12]}), not to the live key"


def _records_hashes(sink: SecretSink, ref: KeyRef) -> bool:
    hash_path_for = getattr(sink, "hash_path_for", None)
    return callable(hash_path_for) and hash_path_for(ref) is not None


def with_sink_audit(config: Config, live: LiveSnapshot, open_sink: SinkOpener) -> LiveSnapshot:
    """``live`` with the keys whose secret is lost (for the planner) and the audit's warnings."""
    audit = audit_sinks(config, live, open_sink)
    if not audit.lost and not audit.warnings:
        return live
    return dataclasses.replace(live, lost_secrets=audit.lost_by_address, warnings=[*live.warnings, *audit.warnings])
