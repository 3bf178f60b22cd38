"""The live fingerprint a saved plan carries (`orctl apply PLANFILE` refuses a plan whose account
has changed since): the same for the same account however a listing ordered it, different when
any value, id or marker read differs."""

from __future__ import annotations

from openrouter_iac.model.resources import AccountState, ApiKey, Guardrail, Workspace
from openrouter_iac.model.snapshot import Catalogue, LiveSnapshot


def snapshot(keys: dict[str, ApiKey], *, ids: dict[str, str] | None = None, reverse: bool = False) -> LiveSnapshot:
    names = sorted(keys, reverse=reverse)
    workspaces = {
        "b": Workspace(name="B", keys={name: keys[name] for name in names}),
        "a": Workspace(name="A", guardrails={"g2": Guardrail(description="2"), "g1": Guardrail(description="1")}),
    }
    if reverse:
        workspaces = dict(reversed(workspaces.items()))
    return LiveSnapshot(
        state=AccountState(workspaces=workspaces),
        ids=ids if ids is not None else {f"api_key:b/{name}": f"hash-{name}" for name in names},
        catalogue=Catalogue({}, frozenset()),
        default_workspace=None,
    )


KEYS = {"k1": ApiKey(limit=10, guardrail="g1"), "k2": ApiKey(limit=20), "k3": ApiKey(disabled=True)}


def test_the_order_objects_were_listed_in_does_not_change_it() -> None:
    assert snapshot(KEYS).fingerprint == snapshot(KEYS, reverse=True).fingerprint
    assert snapshot(KEYS).fingerprint.startswith("sha256:")


def test_any_value_or_id_read_changes_it() -> None:
    first = snapshot(KEYS).fingerprint
    assert snapshot({**KEYS, "k2": ApiKey(limit=21)}).fingerprint != first
    assert snapshot({**KEYS, "k4": ApiKey()}).fingerprint != first
    assert snapshot({"k1": KEYS["k1"], "k2": KEYS["k2"]}).fingerprint != first
    assert snapshot(KEYS, ids={"api_key:b/k1": "other"}).fingerprint != first


def test_fields_never_compared_do_not_change_it() -> None:
    used = {**KEYS, "k2": ApiKey.model_validate({"limit": 20, "last_used_at": "2026-01-01T00:00:00Z"})}
    assert snapshot(used).fingerprint == snapshot(KEYS).fingerprint
