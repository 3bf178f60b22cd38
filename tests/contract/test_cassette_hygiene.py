"""The cassettes hold no secret, match the tests that replay them, and the scrubbers do their job."""

from __future__ import annotations

import ast
import json
import re
import socket
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from contract_support import (
    CASSETTES,
    PLACEHOLDER,
    RECORDING_INFO,
    REPLAY_BASE_URL,
    header_findings,
    request_scrubber,
    response_scrubber,
    secret_findings,
)
from vcr.request import Request

HERE = Path(__file__).resolve().parent
CASSETTE_FILES = sorted(CASSETTES.glob("*.yaml"))
FAKE_KEY = "sk-or-v1-" + "5e" * 32  # key-shaped, test-only
MANAGEMENT_KEY = "a-management-key-that-is-not-key-shaped-0123"


def load(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded


def test_there_are_cassettes_and_a_recording_note() -> None:
    assert len(CASSETTE_FILES) >= 10
    info = json.loads((CASSETTES / RECORDING_INFO).read_text(encoding="utf-8"))
    assert re.fullmatch(r"orctl-rec-[0-9a-f]{6}", info["prefix"])
    assert info["recorded_against"]


@pytest.mark.parametrize("path", CASSETTE_FILES, ids=lambda p: p.stem)
def test_cassette_holds_no_secret(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert list(secret_findings(text)) == []
    assert not re.search(r"sk-or-v1-[0-9a-f]{64}", text)
    assert all(match == PLACEHOLDER for match in re.findall(r"sk-or-[^\s\"'\\,}]*", text))
    cassette = load(path)
    assert list(header_findings(cassette)) == []
    for interaction in cassette["interactions"]:
        # No trace of where it was recorded (a loopback port, a sandbox host).
        assert interaction["request"]["uri"].startswith(REPLAY_BASE_URL + "/")


def test_new_key_secrets_were_there_and_are_now_placeholders() -> None:
    bodies = [
        json.loads(i["response"]["body"]["string"])
        for path in CASSETTE_FILES
        for i in load(path)["interactions"]
        if i["request"]["method"] == "POST"
        and i["request"]["uri"].endswith("/keys")
        and i["response"]["status"]["code"] == 201
    ]
    assert bodies, "no key was created in any cassette"
    assert {body["key"] for body in bodies} == {PLACEHOLDER}


def test_every_cassette_belongs_to_a_test_and_every_test_has_one() -> None:
    module = ast.parse((HERE / "test_contract_client.py").read_text(encoding="utf-8"))
    tests = {
        node.name
        for node in module.body
        if isinstance(node, ast.FunctionDef)
        and node.name.startswith("test_")
        and any(arg.arg == "contract" for arg in node.args.args)
    }
    assert tests == {path.stem for path in CASSETTE_FILES}


# -- the scanner and the scrubbers themselves ----------------------------------------------------


def test_the_scan_flags_keys_tokens_and_credential_headers() -> None:
    assert list(secret_findings(f'{{"key": "{FAKE_KEY}"}}'))
    assert list(secret_findings('label: "sk-or-v1-abc...f2a"'))
    assert list(secret_findings("authorization: Bearer abcdef123"))
    assert list(secret_findings(f'{{"key": "{PLACEHOLDER}"}}')) == []
    leaky = {"interactions": [{"request": {"headers": {"Authorization": ["x"]}}, "response": {"headers": {}}}]}
    assert list(header_findings(leaky)) == ["interaction 1: request header Authorization"]


def test_request_scrubber() -> None:
    scrub = request_scrubber("http://127.0.0.1:4567/api/v1", MANAGEMENT_KEY)
    request = Request(
        "POST",
        "http://127.0.0.1:4567/api/v1/keys",
        json.dumps({"name": "k", "note": f"{MANAGEMENT_KEY} {FAKE_KEY}"}).encode(),
        {"Authorization": f"Bearer {MANAGEMENT_KEY}", "Content-Type": "application/json", "User-Agent": "orctl"},
    )
    scrubbed = scrub(request)
    assert scrubbed.uri == REPLAY_BASE_URL + "/keys"
    assert dict(scrubbed.headers) == {"Content-Type": "application/json"}
    assert json.loads(scrubbed.body) == {"name": "k", "note": f"{PLACEHOLDER} {PLACEHOLDER}"}


def test_response_scrubber() -> None:
    scrub = response_scrubber(MANAGEMENT_KEY)
    response = {
        "status": {"code": 201, "message": "Created"},
        "headers": {"Content-Type": ["application/json"], "Set-Cookie": ["s=1"], "CF-Ray": ["abc"]},
        "body": {"string": json.dumps({"data": {"label": "sk-or-v1-5e5...e5e"}, "key": FAKE_KEY}).encode()},
    }
    scrubbed = scrub(response)
    assert scrubbed["headers"] == {"Content-Type": ["application/json"]}
    assert json.loads(scrubbed["body"]["string"]) == {"data": {"label": PLACEHOLDER}, "key": PLACEHOLDER}


@pytest.mark.usefixtures("no_network")
def test_replay_has_no_network() -> None:
    with pytest.raises(AssertionError, match="network access"):
        socket.create_connection(("127.0.0.1", 9), timeout=1)
    with pytest.raises(AssertionError, match="network access"):
        httpx.get("https://openrouter.ai/api/v1/models")
