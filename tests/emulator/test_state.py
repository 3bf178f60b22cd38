"""State: JSON round trip, reproducible ids, no id reuse after reloading a seeded account."""

from __future__ import annotations

import json

import pytest

from openrouter_iac.emulator import Emulator, State, StateFileError


def test_round_trip_keeps_everything() -> None:
    emulator = Emulator()
    emulator.call("POST", "/workspaces", {"name": "A", "slug": "a"})
    emulator.call("POST", "/keys", {"name": "k"})
    emulator.call(
        "POST",
        "/presets/p/chat/completions",
        {"model": "openai/gpt-5", "messages": [{"role": "user", "content": "hi"}]},
    )
    snapshot = emulator.snapshot()
    reloaded = Emulator(State.from_json(json.loads(json.dumps(snapshot))))
    assert reloaded.snapshot() == snapshot
    assert reloaded.management_key == emulator.management_key
    assert reloaded.revision == 3


def test_id_seed_makes_accounts_reproducible() -> None:
    first, second = Emulator(id_seed=11), Emulator(id_seed=11)
    assert first.management_key == second.management_key
    assert first.snapshot()["workspaces"].keys() == second.snapshot()["workspaces"].keys()
    assert first.call("POST", "/keys", {"name": "k"})[1]["key"] == second.call("POST", "/keys", {"name": "k"})[1]["key"]
    assert Emulator(id_seed=12).management_key != first.management_key


def test_reloaded_seeded_account_never_reuses_ids() -> None:
    original = Emulator(id_seed=5)
    for index in range(40):
        original.call("POST", "/workspaces", {"name": f"w{index}", "slug": f"w{index}"})
    reloaded = Emulator(State.from_json(original.snapshot()), id_seed=5)
    known = set(original.state.workspaces)
    for index in range(40):
        status, payload = reloaded.call("POST", "/workspaces", {"name": f"n{index}", "slug": f"n{index}"})
        assert status == 201
        assert payload["data"]["id"] not in known


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "not an orctl emulator state file"),
        ({"format": "orctl-emulator-state", "version": 2}, "unsupported emulator state version 2"),
        ({"format": "orctl-emulator-state", "version": 1}, "lacks default_workspace_id, management_keys"),
    ],
)
def test_bad_state_documents(data: object, message: str) -> None:
    with pytest.raises(StateFileError, match=message):
        State.from_json(data)
