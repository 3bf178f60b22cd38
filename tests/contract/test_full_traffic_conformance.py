"""Zero request violations in orctl's full traffic.

Every request of a full `orctl apply` and `orctl plan` of a rich config (tests/contract/rich:
every kind: organization settings; workspaces with budgets, members and default guardrails;
guardrails with members; keys with guardrail assignments; presets with and without a system
prompt, one slug in two workspaces; BYOK; webhook and langfuse destinations), then of a drifted
copy (updates, a key rotation, a BYOK credential sent again, deletes, a preset archived, a
workspace deleted with everything in it) and of the archived preset declared again (restored),
is captured on the wire against the emulator on loopback. Each one is checked against the
official spec with the late-2026 changes laid over it (tests/emulator/spec_2026.py): the
operation exists, its query and path parameters are declared and valid, its JSON body validates.
The test fails on any violation and names each one with its request.
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
from click.testing import CliRunner
from openapi_check import OpenApiChecker
from test_request_conformance import Sent, sent_from

from openrouter_iac.cli import main
from openrouter_iac.emulator import emulator_from_seed, start_server

RICH = Path(__file__).resolve().parent / "rich"
SEED = {
    "format": "orctl-emulator-seed/1",
    "members": [
        {"id": "user_ada", "email": "ada@example.com", "role": "org:admin"},
        {"id": "user_alan", "email": "alan@example.com", "role": "org:member"},
    ],
}
ENV = {  # what the config's secret references point at (fake values)
    "ORCTL_TEST_OPENAI": "sk-proj-example-only-not-a-key",
    "ORCTL_TEST_BEDROCK": '{"accessKeyId": "AKIAEXAMPLEONLY", "secretAccessKey": "example-only"}',
    "ORCTL_TEST_HOOK_TOKEN": "Bearer example-only-hook-token",
    "ORCTL_TEST_LANGFUSE_SECRET": "sk-lf-example-only",
}
DRIFT: dict[str, tuple[tuple[str, str], ...]] = {
    "00-account.yaml": (("filtered_model_catalog: true", "filtered_model_catalog: false"),),
    "10-core.yaml": (
        ("monthly: 500, weekly: 200, daily: 40}", "monthly: 400, weekly: null, daily: 40}"),
        ("members: [user_ada, user_alan]", "members: [user_ada]"),
        ("{email: redact, ssn: block}", "{email: redact, ssn: block, phone: redact}"),
        ("budget: {limit_usd: 50, reset: monthly}", "budget: {limit_usd: 60, reset: monthly}"),
        ("        members: [user_alan]\n", "        members: []\n"),
        ("description: Every kind, every write.", "description: Every kind, every write, drifted."),
        ("        guardrail: batch-cap\n", "        guardrail: null\n"),
        ("      spare-cap:\n        budget: {limit_usd: 1, reset: weekly}\n", ""),
        ("limit: 40\n        limit_reset: monthly\n        guardrail: support-cap\n        expires_at: 2027-09-30",
         "limit: 45\n        limit_reset: monthly\n        guardrail: support-cap\n        expires_at: 2027-10-31"),
        ("{temperature: 0.2, max_tokens: 400}", "{temperature: 0.3, max_tokens: 400}"),
        ("      old-answer:\n        publish_with: support-bot\n        model: openai/gpt-5-mini\n"
         "        parameters: {temperature: 0.9}\n", ""),
        ("        allowed_models: [anthropic/claude-sonnet-4.6]\n",
         "        allowed_models: [anthropic/claude-sonnet-4.6]\n        rotation: '2026-12'\n"),
        ("headers: {X-Team: platform,", "headers: {X-Team: platform-2,"),
        ("sampling_rate: 0.5", "sampling_rate: 0.25"),
    ),
}  # fmt: skip
RESTORED = (
    "version: 1\nworkspaces:\n  core:\n    presets:\n      old-answer:\n        publish_with: support-bot\n"
    "        model: openai/gpt-5-mini\n        parameters: {temperature: 0.9}\n"
)
"""The archived preset declared again, as it was: restored, no new version."""
EXERCISED = (
    "GET /workspaces",
    "GET /keys",
    "GET /guardrails/{id}",
    "GET /presets/{slug}",
    "GET /organization/settings",
    "PATCH /organization/settings",
    "POST /workspaces",
    "PATCH /workspaces/{id}",
    "DELETE /workspaces/{id}",
    "POST /workspaces/{id}/members/add",
    "POST /workspaces/{id}/members/remove",
    "PUT /workspaces/{id}/budgets/{interval}",
    "DELETE /workspaces/{id}/budgets/{interval}",
    "POST /guardrails",
    "PATCH /guardrails/{id}",
    "DELETE /guardrails/{id}",
    "POST /guardrails/{id}/assignments/keys",
    "POST /guardrails/{id}/assignments/keys/remove",
    "POST /guardrails/{id}/assignments/members",
    "POST /guardrails/{id}/assignments/members/remove",
    "POST /keys",
    "PATCH /keys/{hash}",
    "DELETE /keys/{hash}",
    "POST /presets/{slug}/chat/completions",
    "DELETE /presets/{slug}",
    "POST /presets/{slug}/restore",
    "POST /byok",
    "PATCH /byok/{id}",
    "DELETE /byok/{id}",
    "POST /observability/destinations",
    "PATCH /observability/destinations/{id}",
)
"""What the run must have exercised (a check that can fail: a capture that missed writes proves little)."""


@dataclass(frozen=True)
class Exchange:
    sent: Sent
    status: int
    body: bytes
    content_type: str


def _edit(config: Path, edits: dict[str, tuple[tuple[str, str], ...]]) -> None:
    for name, replacements in edits.items():
        path = config / name
        text = path.read_text()
        for old, new in replacements:
            assert old in text, (name, old)
            text = text.replace(old, new)
        path.write_text(text)


@pytest.fixture(scope="module")
def traffic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Exchange]]:
    workdir = tmp_path_factory.mktemp("full-traffic")
    config = workdir / "rich"
    shutil.copytree(RICH, config)  # sink paths are relative: no secret lands in the repo
    seen: list[Exchange] = []
    lock = threading.Lock()
    original = httpx.HTTPTransport.handle_request

    def recording(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        sent = sent_from(request)
        response = original(self, request)
        body = response.read()
        with lock:
            seen.append(Exchange(sent, response.status_code, body, response.headers.get("content-type", "")))
        return httpx.Response(response.status_code, headers=response.headers, content=body, request=request)

    emulator = emulator_from_seed(SEED)
    apply = ["apply", "-c", str(config), "--auto-approve", "--allow-policy-violations"]
    plan = ["plan", "-c", str(config), "--detailed-exitcode"]
    with start_server(emulator) as server, pytest.MonkeyPatch.context() as patch:
        patch.setattr(httpx.HTTPTransport, "handle_request", recording)
        patch.chdir(workdir)
        patch.setenv("CI", "1")
        env = {"OPENROUTER_BASE_URL": server.base_url, "OPENROUTER_MANAGEMENT_KEY": emulator.management_key, **ENV}
        runner = CliRunner()

        def run(args: list[str], expected: int) -> str:
            result = runner.invoke(main, args, env=env)
            assert result.exit_code == expected, (args, result.output)
            return result.output

        run(apply, 0)
        run(plan, 0)  # converged
        _edit(config, DRIFT)
        second = config / "20-second.yaml"
        second.write_text(second.read_text().split("  doomed:\n")[0])  # prune_workspaces deletes it
        run(plan, 2)
        drifted = run([*apply, "--allow-destroy", "--allow-rotate"], 0)
        assert "preset:core/old-answer ... archived" in drifted
        assert "preset:doomed/temp ... archived" in drifted
        run(plan, 0)
        (config / "30-restored.yaml").write_text(RESTORED)
        restored = run(apply, 0)
        assert "preset:core/old-answer ... restored (v1 kept, no new version)" in restored
        run(plan, 0)
    yield seen


def test_the_full_traffic_of_apply_and_plan_has_no_request_violation(
    openapi_spec: dict[str, Any], traffic: list[Exchange]
) -> None:
    checker = OpenApiChecker(openapi_spec)
    operations: set[str] = set()
    violations: list[str] = []
    for exchange in traffic:
        sent = exchange.sent
        op, found = checker.problems(sent.method, sent.path, sent.query, sent.body, sent.content_type)
        violations += [f"{sent}: {problem}" for problem in found]
        if op is not None:
            operations.add(op.name)
    assert not violations, f"{len(violations)} request violation(s):\n" + "\n".join(dict.fromkeys(violations))
    missing = [name for name in EXERCISED if name not in operations]
    assert not missing, f"not exercised: {missing}; seen: {sorted(operations)}"
    # Every preset call names its workspace (a management key without it acts in the default one).
    unscoped = [str(e.sent) for e in traffic if e.sent.path.startswith("/presets") and "chat/" not in e.sent.path]
    assert all("workspace_id=" in line for line in unscoped), unscoped


def test_every_answer_of_the_emulator_in_that_traffic_conforms(
    openapi_spec: dict[str, Any], traffic: list[Exchange]
) -> None:
    """The other side of the same run: each answer has a declared status and validates against its
    schema, so the fields the change notes mark required are there (external_user, BYOK flags,
    destination regions...)."""
    checker = OpenApiChecker(openapi_spec)
    violations: list[str] = []
    for exchange in traffic:
        op = checker.operation(exchange.sent.method, exchange.sent.path)
        if op is None:
            continue  # the request test reports it
        found = checker.response_problems(op, exchange.status, exchange.body, exchange.content_type)
        violations += [f"{exchange.sent}: {problem}" for problem in found]
    assert not violations, f"{len(violations)} answer violation(s):\n" + "\n".join(dict.fromkeys(violations))
    assert {e.status for e in traffic} >= {200, 201, 404}  # creates, reads, and unconfigured default guardrails


def test_the_check_names_each_violation_with_its_request(openapi_spec: dict[str, Any]) -> None:
    checker = OpenApiChecker(openapi_spec)
    wrong = Sent("DELETE", "/presets/bot", [("workspace", "w")], b"", "")
    _, found = checker.problems(wrong.method, wrong.path, wrong.query, wrong.body, wrong.content_type)
    assert found == ["DELETE /presets/{slug}: query parameter 'workspace' is not declared (declared: ['workspace_id'])"]
    chat = b'{"model": "openai/gpt-5-mini", "messages": []}'
    _, found = checker.problems("POST", "/presets/bot/chat/completions", [], chat, "application/json")
    assert any("body['messages']" in problem for problem in found), found
    # Answers: a required field missing, a status the operation does not declare.
    byok = checker.operation("GET", "/byok/some-id")
    assert byok is not None
    found = checker.response_problems(byok, 200, b'{"data": {"id": "x"}}', "application/json")
    assert "GET /byok/{id}: 200 answer['data']: 'provider' is a required property" in found, found
    assert "is_byok_only" in " ".join(found)  # required by the late-2026 overlay
    assert checker.response_problems(byok, 418, b"", "")[0].startswith("GET /byok/{id}: answered 418")
