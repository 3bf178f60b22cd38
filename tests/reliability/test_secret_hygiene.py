"""The suite-wide secret check (tests/conftest.py) sees the secrets tests make."""

from __future__ import annotations

from openrouter_iac.emulator.app import Emulator
from openrouter_iac.emulator.env import Env


def test_every_secret_the_emulator_mints_is_registered() -> None:
    assert Env.new_inference_secret.__name__ == "_registering"  # the hook is in place
    status, body = Emulator().call("POST", "/keys", {"name": "registered"})
    assert status == 201 and body["key"].startswith("sk-or-v1-")
