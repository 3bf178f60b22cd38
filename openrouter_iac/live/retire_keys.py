"""The end of a key rotation: the old key goes at once, or, with `rotation_overlap`, stays enabled
under a retiring name that carries its due time (model/retiring.py) until a later apply deletes it.

Either way the old key gives up its name before the new key takes it, so two keys never answer to
one name. When the old key is deleted here, its secret is removed from wherever a sink still
records *its* hash: for a key that changed place (another workspace, another name) that is the old
location; where the new secret was delivered to the same place, the recorded hash is the new
key's and nothing is removed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from openrouter_iac.client import OpenRouterClient
from openrouter_iac.errors import NotFoundError
from openrouter_iac.live import secret_moves
from openrouter_iac.live.writer_plain import write_path
from openrouter_iac.model.durations import as_timedelta
from openrouter_iac.model.retiring import retiring_name, utc_text
from openrouter_iac.secrets import KeyRef, SecretSink


def old_key_ref(ids: dict[str, str], key_hash: str, fallback: KeyRef) -> KeyRef:
    """Where the old key of a rotation lives (workspace, live name): the live address its hash has
    (a rotation may also rename or move the key), else ``fallback``."""
    for address, live_id in ids.items():
        if live_id == key_hash and address.startswith("api_key:"):
            workspace, _, name = address.removeprefix("api_key:").partition("/")
            return KeyRef(workspace, name)
    return fallback


def keep_retiring(
    client: OpenRouterClient,
    address: str,
    key_hash: str,
    old: KeyRef,
    overlap: str,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> list[str]:
    """Rename the old key to its retiring name (it stays enabled); the report's note."""
    due = now() + as_timedelta(overlap)
    try:
        client.patch(write_path("api_key", key_hash), json={"name": retiring_name(old.key, due)}, resource=address)
    except NotFoundError:
        return [f"the old key {key_hash[:12]} was already gone"]
    return [
        f"the old key {key_hash[:12]} stays enabled until {utc_text(due)} (rotation_overlap {overlap}); "
        "an apply after that deletes it (`orctl apply --retire-now` ends the overlap early)"
    ]


def remove_old_secret(sinks: list[SecretSink], old: KeyRef, key_hash: str) -> list[str]:
    """After the old key was deleted: its secret out of every sink that still records its hash."""
    return secret_moves.remove_deleted(sinks, old, key_hash)
