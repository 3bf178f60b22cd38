"""Every request orctl makes conforms to the official OpenAPI spec (the saved one with the late-2026
changes laid over it: tests/emulator/spec_2026.py).

Captured during `orctl plan` and `orctl apply` of the agency example (then a drifted version
of it: updates, deletes, a key rotation) against the emulator on loopback, and from every
recorded cassette. Each request must match a spec operation, use only the query parameters the
operation declares (with valid values), and send a JSON body valid against its requestBody schema.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from click.testing import CliRunner
from contract_support import CASSETTES, REPLAY_BASE_URL
from openapi_check import API_PREFIX, OpenApiChecker

from openrouter_iac.cli import main
from openrouter_iac.emulator import Emulator, start_server

AGENCY = Path(__file__).resolve().parents[2] / "examples" / "agency"


@dataclass(frozen=True)
class Sent:
    method: str
    path: str  # relative to /api/v1
    query: list[tuple[str, str]]
    body: bytes
    content_type: str

    def __str__(self) -> str:
        query = "&".join(f"{k}={v}" for k, v in self.query)
        return f"{self.method} {self.path}" + (f"?{query}" if query else "")


def sent_from(request: httpx.Request) -> Sent:
    path = request.url.path
    assert path.startswith(API_PREFIX + "/"), path
    return Sent(
        request.method,
        path[len(API_PREFIX) :],
        list(request.url.params.multi_items()),
        request.content,
        request.headers.get("content-type", ""),
    )


@pytest.fixture(scope="module")
def checker(openapi_spec: dict[str, Any]) -> OpenApiChecker:
    return OpenApiChecker(openapi_spec)


@pytest.fixture(scope="module")
def captured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Sent]]:
    """Every request of: plan, apply, plan (converged), plan and apply of a drifted config."""
    workdir = tmp_path_factory.mktemp("conformance")
    # Sink paths are relative to the config, so the config is copied: no secret lands in the repo.
    agency = workdir / "agency"
    shutil.copytree(AGENCY, agency)
    drifted = {}
    path = agency / "30-b2b-saas.yaml"
    text = path.read_text()
    for old, new in (
        ("budgets: {monthly: 800, weekly: 250}", "budgets: {monthly: 700, weekly: null}"),
        ("limit_usd: 200, reset: monthly", "limit_usd: 150, reset: weekly"),
        ("expires_at: 2027-06-30T00:00:00Z", "expires_at: 2028-01-31T00:00:00Z"),
        ("sampling_rate: 0.5", "sampling_rate: 0.25"),
        ("parameters: {temperature: 0.3}", "parameters: {temperature: 0.5}"),
    ):
        assert old in text
        text = text.replace(old, new)
    drifted[path] = text

    seen: list[Sent] = []
    lock = threading.Lock()
    original = httpx.HTTPTransport.handle_request

    def recording(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        with lock:
            seen.append(sent_from(request))
        return original(self, request)

    emulator = Emulator()
    with start_server(emulator) as server, pytest.MonkeyPatch.context() as patch:
        patch.setattr(httpx.HTTPTransport, "handle_request", recording)
        patch.chdir(workdir)
        patch.setenv("CI", "1")
        env = {"OPENROUTER_BASE_URL": server.base_url, "OPENROUTER_MANAGEMENT_KEY": emulator.management_key}
        runner = CliRunner()
        for args, expected in (
            (["plan", "-c", str(agency)], 0),
            (["apply", "-c", str(agency), "--auto-approve"], 0),
            (["plan", "-c", str(agency), "--detailed-exitcode"], 0),
            (["plan", "-c", str(agency), "--detailed-exitcode"], 2),
            (["apply", "-c", str(agency), "--auto-approve", "--allow-destroy", "--allow-rotate"], 0),
        ):
            if expected == 2:  # from here on, the drifted config
                for drifted_path, drifted_text in drifted.items():
                    drifted_path.write_text(drifted_text)
            result = runner.invoke(main, args, env=env)
            assert result.exit_code == expected, (args, result.output)
    yield seen


def test_requests_of_plan_and_apply_conform_to_the_spec(checker: OpenApiChecker, captured: list[Sent]) -> None:
    operations = set()
    problems: list[str] = []
    for sent in captured:
        op, found = checker.problems(sent.method, sent.path, sent.query, sent.body, sent.content_type)
        problems += [f"{sent}: {problem}" for problem in found]
        if op is not None:
            operations.add(op.name)
    assert not problems, "\n".join(dict.fromkeys(problems))
    # The capture really covered reads and every kind of write (a check that can fail).
    for expected in (
        "GET /workspaces",
        "GET /keys",
        "POST /keys",
        "PATCH /keys/{hash}",
        "DELETE /keys/{hash}",
        "POST /guardrails",
        "PATCH /guardrails/{id}",
        "POST /guardrails/{id}/assignments/keys",
        "PUT /workspaces/{id}/budgets/{interval}",
        "DELETE /workspaces/{id}/budgets/{interval}",
        "POST /byok",
        "POST /observability/destinations",
        "PATCH /observability/destinations/{id}",
        "POST /presets/{slug}/chat/completions",
    ):
        assert expected in operations, f"{expected} was not exercised; seen: {sorted(operations)}"


def test_the_checker_catches_a_wrong_request(checker: OpenApiChecker) -> None:
    cases = {
        ("GET", "/keys", (("limit", "100"),), b""): "query parameter 'limit' is not declared",
        ("GET", "/keys", (("include_disabled", "yes"),), b""): "a boolean must be sent as 'true' or 'false'",
        ("GET", "/keys", (("workspace_id", "not-a-uuid"),), b""): "is not a 'uuid'",
        ("POST", "/keys", (), b'{"limit": 5}'): "'name' is a required property",
        ("PUT", "/workspaces/x/budgets/fortnightly", (), b'{"limit_usd": 1}'): "path parameter interval",
        ("POST", "/guardrails", (), b'{"name": "g", "reset_interval": "hourly"}'): "body['reset_interval']",
        ("GET", "/no/such/route", (), b""): "no such operation",
    }
    for (method, path, query, body), expected in cases.items():
        _, found = checker.problems(method, path, list(query), body, "application/json")
        assert any(expected in problem for problem in found), (method, path, found)


def _cassette_requests() -> list[tuple[str, Sent]]:
    requests = []
    for path in sorted(CASSETTES.glob("*.yaml")):
        for interaction in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("interactions", []):
            request = interaction["request"]
            url = httpx.URL(request["uri"])
            assert str(url).startswith(REPLAY_BASE_URL), url
            body = request.get("body") or b""
            content_type = (request.get("headers", {}).get("content-type") or [""])[0]
            sent = sent_from(
                httpx.Request(
                    request["method"],
                    url,
                    content=body.encode() if isinstance(body, str) else body,
                    headers={"content-type": content_type} if content_type else {},
                )
            )
            requests.append((path.stem, sent))
    return requests


def test_cassette_requests_conform_to_the_spec(checker: OpenApiChecker) -> None:
    recorded = _cassette_requests()
    assert len(recorded) > 20
    problems = []
    for cassette, sent in recorded:
        _, found = checker.problems(sent.method, sent.path, sent.query, sent.body, sent.content_type)
        problems += [f"{cassette}: {sent}: {problem}" for problem in found]
    assert problems == []
