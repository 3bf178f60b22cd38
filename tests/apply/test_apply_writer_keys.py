"""The key-create protocol: provisional name, store, verify, rename; recovery after ambiguous creates."""

from __future__ import annotations

import pytest
from apply_support import FakeKeys, RecordingSink

from openrouter_iac.live.writer_keys import KeyHandOffError, KeyWriter
from openrouter_iac.model.resources import ApiKey

SPEC = ApiKey(limit=5, secret_sink="mem")
WS_ID = "11111111-1111-1111-1111-111111111111"


def make(fake: FakeKeys, sink: RecordingSink, masked: list[str] | None = None) -> KeyWriter:
    seen = masked if masked is not None else []
    return KeyWriter(fake.client(), on_secret=seen.append, sink_for=lambda _: sink)  # type: ignore[arg-type,return-value]


def create(writer: KeyWriter, name: str = "bot", replacing: str | None = None) -> str:
    outcome = writer.create(
        address=f"api_key:ws/{name}", workspace="ws", workspace_id=WS_ID, name=name, spec=SPEC, replacing=replacing
    )
    return outcome.key_hash


def test_create_stores_then_renames_and_masks_first() -> None:
    fake, sink, masked = FakeKeys(), RecordingSink(), []
    key_hash = create(make(fake, sink, masked))
    assert fake.names() == ["bot"]
    assert sink.stored["ws/bot"] == (key_hash, fake.secrets[key_hash])
    assert masked == [fake.secrets[key_hash]]
    post = fake.calls.index("POST /keys")
    assert fake.calls[post + 1] == f"PATCH /keys/{key_hash}"  # rename only after the store


def test_provisional_name_is_used_until_stored() -> None:
    fake = FakeKeys()
    names_at_store: list[str] = []

    class Spy(RecordingSink):
        def store(self, ref: object, key_hash: str, secret: str, *, expires_at: str | None = None) -> None:
            names_at_store.append(fake.keys[key_hash]["name"])
            super().store(ref, key_hash, secret)

    create(make(fake, Spy()))
    assert len(names_at_store) == 1
    assert names_at_store[0].startswith("bot [orctl-pending ")


@pytest.mark.parametrize("fail", ["store", "verify"])
def test_failed_store_disables_the_new_key_and_reports_its_hash(fail: str) -> None:
    fake = FakeKeys()
    with pytest.raises(KeyHandOffError) as info:
        create(make(fake, RecordingSink(fail=fail)))
    (key,) = fake.keys.values()
    assert key["disabled"] is True
    assert info.value.key_hash == key["hash"] and info.value.disabled
    assert "[orctl-pending" in key["name"]  # the next plan finds it as an orphan
    assert fake.secrets[key["hash"]] not in str(info.value)


@pytest.mark.parametrize("mode", ["commit-500", "commit-drop"])
def test_committed_but_unanswered_create_is_cleaned_and_retried_once(mode: str) -> None:
    fake = FakeKeys(faults={"POST /keys": [mode]})
    sink = RecordingSink()
    key_hash = create(make(fake, sink))
    assert fake.names() == ["bot"]  # the lost one was removed: no duplicate
    assert list(fake.keys) == [key_hash]
    assert fake.calls.count("POST /keys") == 2
    assert any(c.startswith("GET /keys") for c in fake.calls[: fake.calls.index("POST /keys", 1)])


def test_uncommitted_500_is_relisted_then_retried_without_deleting() -> None:
    fake = FakeKeys(faults={"POST /keys": ["500"]})
    create(make(fake, RecordingSink()))
    assert fake.names() == ["bot"]
    assert not any(c.startswith("DELETE") for c in fake.calls)
    assert any(c.startswith("GET /keys") for c in fake.calls)


def test_429_on_create_is_retried_by_the_client_without_relisting() -> None:
    fake = FakeKeys(faults={"POST /keys": ["429"]})
    create(make(fake, RecordingSink()))
    assert fake.names() == ["bot"]
    assert not any(c.startswith("GET /keys") for c in fake.calls)


def test_two_ambiguous_creates_stop_with_nothing_left() -> None:
    fake = FakeKeys(faults={"POST /keys": ["commit-500", "commit-drop"]})
    with pytest.raises(KeyHandOffError, match="failed twice"):
        create(make(fake, RecordingSink()))
    assert fake.keys == {}
    assert fake.calls.count("POST /keys") == 2


def test_replace_retires_the_old_key_before_the_rename() -> None:
    fake = FakeKeys()
    sink = RecordingSink()
    writer = make(fake, sink)
    old = create(writer)
    new = create(writer, replacing=old)
    assert list(fake.keys) == [new] and fake.names() == ["bot"]
    assert fake.calls[-4:] == ["POST /keys", f"PATCH /keys/{old}", f"DELETE /keys/{old}", f"PATCH /keys/{new}"]


def test_retire_disables_before_deleting_and_tolerates_missing() -> None:
    fake = FakeKeys()
    writer = make(fake, RecordingSink())
    key_hash = create(writer)
    writer.retire("api_key:ws/bot", key_hash)
    assert fake.calls[-2:] == [f"PATCH /keys/{key_hash}", f"DELETE /keys/{key_hash}"]
    writer.retire("api_key:ws/bot", key_hash)  # already gone: no error
    assert fake.keys == {}


def test_key_without_sink_is_created_with_a_warning() -> None:
    fake = FakeKeys()
    writer = KeyWriter(fake.client(), on_secret=lambda _: None, sink_for=lambda _: RecordingSink())  # type: ignore[arg-type,return-value]
    outcome = writer.create(
        address="api_key:ws/x", workspace="ws", workspace_id=WS_ID, name="x", spec=ApiKey(), replacing=None
    )
    assert fake.names() == ["x"]
    assert any("nobody holds it" in note for note in outcome.notes)
