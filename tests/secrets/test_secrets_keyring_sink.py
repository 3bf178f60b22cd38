from __future__ import annotations

import keyring
import keyring.backends.fail
import keyring.backends.null
import pytest
from secrets_support import (
    KEY_HASH,
    PLAIN_SECRET,
    SECRET,
    BrokenKeyring,
    LowPriorityKeyring,
    MemoryKeyring,
    PlaintextKeyring,
)

from openrouter_iac.errors import SinkError
from openrouter_iac.model.sinks import KeyringSinkSpec
from openrouter_iac.secrets import KeyRef, KeyringSink, insecure_reason

REF = KeyRef("prod", "ci-bot")


def sink(**spec: object) -> KeyringSink:
    return KeyringSink("laptop", KeyringSinkSpec.model_validate({"type": "keyring", **spec}))


def test_round_trip_with_a_secure_backend(memory_keyring: MemoryKeyring) -> None:
    s = sink(service="orctl-test")
    s.check_usable([REF])
    assert memory_keyring.entries == {}  # the probe entry was cleaned up
    s.store(REF, KEY_HASH, SECRET)
    assert memory_keyring.entries == {
        ("orctl-test", "prod/ci-bot"): SECRET,
        ("orctl-test", "prod/ci-bot#hash"): KEY_HASH,
    }
    s.verify(REF, KEY_HASH, SECRET)
    assert s.read_secret(REF) == SECRET
    assert s.recorded_hash(REF) == KEY_HASH
    assert s.readable


def test_nothing_stored_reads_as_none(memory_keyring: MemoryKeyring) -> None:
    assert sink().read_secret(REF) is None
    assert sink().recorded_hash(REF) is None


def test_verify_detects_a_changed_entry(memory_keyring: MemoryKeyring) -> None:
    s = sink()
    s.store(REF, KEY_HASH, PLAIN_SECRET)
    memory_keyring.entries[("orctl", "prod/ci-bot")] = "changed"
    with pytest.raises(SinkError, match="does not hold the secret") as caught:
        s.verify(REF, KEY_HASH, PLAIN_SECRET)
    assert PLAIN_SECRET not in str(caught.value)
    s.store(REF, KEY_HASH, PLAIN_SECRET)
    with pytest.raises(SinkError, match="key hash"):
        s.verify(REF, "other", PLAIN_SECRET)


def test_default_fail_backend_is_refused() -> None:
    with pytest.raises(SinkError) as caught:
        sink().check_usable([REF])
    error = caught.value
    assert "'laptop' (keyring)" in error.message and "prod/ci-bot" in error.message
    assert "keyring.backends.fail.Keyring" in error.message
    assert error.hint is not None and "allow_insecure_backend" in error.hint


@pytest.mark.parametrize(
    ("backend", "reason"),
    [
        (keyring.backends.null.Keyring(), "silently discards"),  # type: ignore[no-untyped-call]
        (PlaintextKeyring(), "unencrypted"),
        (LowPriorityKeyring(), "priority 0.5"),
    ],
)
def test_insecure_backends_are_refused(backend: keyring.backend.KeyringBackend, reason: str) -> None:
    keyring.set_keyring(backend)
    with pytest.raises(SinkError, match=reason):
        sink().check_usable([REF])
    assert insecure_reason(backend) is not None


def test_insecure_backend_allowed_on_request() -> None:
    backend = PlaintextKeyring()
    keyring.set_keyring(backend)
    s = sink(allow_insecure_backend=True)
    s.check_usable([REF])
    s.store(REF, KEY_HASH, SECRET)
    assert backend.entries[("orctl", "prod/ci-bot")] == SECRET


def test_probe_catches_a_backend_that_loses_data_even_when_allowed() -> None:
    keyring.set_keyring(keyring.backends.null.Keyring())  # type: ignore[no-untyped-call]
    with pytest.raises(SinkError, match="did not return a test entry"):
        sink(allow_insecure_backend=True).check_usable([REF])


def test_probe_catches_a_locked_keyring() -> None:
    keyring.set_keyring(BrokenKeyring())
    with pytest.raises(SinkError, match="failed to write a test entry: KeyringLocked") as caught:
        sink().check_usable([REF, KeyRef("prod", "web")])
    assert "keys 'prod/ci-bot', 'prod/web'" in caught.value.message


def test_store_failure_names_backend_and_hides_secret() -> None:
    keyring.set_keyring(BrokenKeyring())
    with pytest.raises(SinkError) as caught:
        sink().store(REF, KEY_HASH, PLAIN_SECRET)
    message = str(caught.value)
    assert "BrokenKeyring failed to store the secret: KeyringLocked" in message
    assert PLAIN_SECRET not in message
    assert "could not save (sensitive)" in message


def test_rotation_replaces_secret_and_hash(memory_keyring: MemoryKeyring) -> None:
    s = sink()
    s.store(REF, "hash-1", SECRET)
    s.store(REF, "hash-2", PLAIN_SECRET)
    assert s.read_secret(REF) == PLAIN_SECRET
    assert s.recorded_hash(REF) == "hash-2"


def test_secure_backend_has_no_insecure_reason() -> None:
    assert insecure_reason(MemoryKeyring()) is None
    assert "stores nothing" in (insecure_reason(keyring.backends.fail.Keyring()) or "")  # type: ignore[no-untyped-call]


def test_chains_need_every_link_secure() -> None:
    from keyring.backends.chainer import ChainerBackend

    def chain(*links: keyring.backend.KeyringBackend) -> ChainerBackend:
        cls = type("TestChain", (ChainerBackend,), {"viable": False, "backends": list(links)})
        backend: ChainerBackend = cls()
        return backend

    assert insecure_reason(chain(MemoryKeyring(), MemoryKeyring())) is None
    assert "unencrypted" in (insecure_reason(chain(MemoryKeyring(), PlaintextKeyring())) or "")
    assert "no backend to chain to" in (insecure_reason(chain()) or "")
