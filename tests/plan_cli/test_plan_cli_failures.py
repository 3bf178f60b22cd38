"""Bad input for `orctl plan`: each gives a one-line cause, exit 1 and no trace of the management key.

The API is the emulator on loopback; faults come from its fault rules or from ``tamper``, which
rewrites real HTTP answers on their way back to orctl (garbage, repeated pages, a workspace
deleted between the workspace list and its own lists)."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from plan_cli_support import AGENCY, Api, assert_failed_cleanly, closed_port, orctl, orctl_subprocess

from openrouter_iac.client import OpenRouterClient
from openrouter_iac.emulator import Emulator, FaultConfig, State, start_server
from openrouter_iac.emulator.env import Env
from openrouter_iac.errors import RateLimitedError
from openrouter_iac.live.reader import read_live

# Not key-shaped, so only redaction of the exact value (not the `sk-or-` pattern) can hide it.
PLAIN_KEY = "plain-management-token-7f3c9e1d5b2a4c6e8f0a1b3d5e7f9a1c"


def is_list(request: httpx.Request, path: str) -> bool:
    return request.method == "GET" and request.url.path == "/api/v1" + path


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


# -- reaching the API ----------------------------------------------------------------------------


def test_unreachable_api(fast_retries: list[tuple[int, str | None]]) -> None:
    base_url = f"http://127.0.0.1:{closed_port()}/api/v1"
    key = "sk-or-v1-" + "a" * 64
    result = orctl("plan", "-c", AGENCY, env={"OPENROUTER_BASE_URL": base_url, "OPENROUTER_MANAGEMENT_KEY": key})
    cause = assert_failed_cleanly(result, f"cannot reach {base_url}", "workspaces", "after 5 attempts", secret=key)
    assert "refused" in cause.lower()
    assert len(fast_retries) >= 4  # a refused connection is retried before giving up


def test_rejected_key_in_a_real_process(tmp_path: Path) -> None:
    emulator = Emulator()
    key_file = tmp_path / "key"
    key_file.write_text(PLAIN_KEY + "\n")
    with start_server(emulator) as server:
        result = orctl_subprocess(
            "plan", "-c", AGENCY, "--management-key-file", key_file, "--base-url", server.base_url, env={}, cwd=tmp_path
        )
    assert_failed_cleanly(result, "workspaces: the management key was rejected (HTTP 401", secret=PLAIN_KEY)
    # The hint names where the rejected key came from, not an environment variable that was never set.
    assert result.stderr.endswith(f"  hint: check the management key from file {key_file} / `orctl auth status`\n")


def test_a_rejected_key_from_the_environment_is_named_as_such() -> None:
    with start_server(Emulator()) as server:
        result = orctl(
            "plan", "-c", AGENCY, "--base-url", server.base_url, env={"OPENROUTER_MANAGEMENT_KEY": PLAIN_KEY}
        )
    assert_failed_cleanly(result, "the management key was rejected (HTTP 401", secret=PLAIN_KEY)
    assert result.stderr.endswith(
        "  hint: check the management key from env OPENROUTER_MANAGEMENT_KEY / `orctl auth status`\n"
    )


@pytest.mark.parametrize("suffix", ["", "/api", "/api/v2", "/v1"])
def test_wrong_base_url_path_answers_404(api: Api, suffix: str) -> None:
    base_url = api.server.root_url + suffix
    result = orctl("plan", "-c", AGENCY, "--base-url", base_url, env={"OPENROUTER_MANAGEMENT_KEY": api.key})
    cause = assert_failed_cleanly(result, "workspaces", base_url, "HTTP 404", secret=api.key)
    assert "deleted outside orctl" not in result.stderr  # a list cannot have been deleted
    assert "--base-url" in result.stderr
    assert cause


@pytest.mark.parametrize(
    ("base_url", "fragment"),
    [
        ("not a url", "is not an http(s) URL with a host"),
        ("ftp://openrouter.ai/api/v1", "is not an http(s) URL with a host"),
        ("http://127.0.0.1:99999999/api/v1", "is not a valid URL"),
        ("https://open router.ai/api/v1", "is not a valid URL"),
        ("https://[::1/api/v1", "is not a valid URL"),
        ("http://openrouter.ai/api/v1", "plain http to a host that is not local"),
        ("https://user:pass@openrouter.ai/api/v1", "must not contain credentials"),
    ],
)
def test_malformed_base_url(base_url: str, fragment: str, fast_retries: list[tuple[int, str | None]]) -> None:
    key = "sk-or-v1-" + "b" * 64
    result = orctl("plan", "-c", AGENCY, "--base-url", base_url, env={"OPENROUTER_MANAGEMENT_KEY": key})
    assert_failed_cleanly(result, "--base-url", fragment, secret=key)
    assert fast_retries == []  # refused before any request


def test_malformed_base_url_from_the_environment_is_named_so() -> None:
    env = {"OPENROUTER_BASE_URL": "openrouter.ai/api/v1", "OPENROUTER_MANAGEMENT_KEY": PLAIN_KEY}
    assert_failed_cleanly(orctl("plan", "-c", AGENCY, env=env), "OPENROUTER_BASE_URL", secret=PLAIN_KEY)


# -- who is calling ------------------------------------------------------------------------------


def test_unknown_key_401(api: Api) -> None:
    key = "sk-or-v1-" + "c" * 64
    result = orctl("plan", "-c", AGENCY, env=api.env(OPENROUTER_MANAGEMENT_KEY=key))
    assert_failed_cleanly(result, "workspaces", "the management key was rejected", "HTTP 401", secret=key)
    assert "orctl auth status" in result.stderr


def test_inference_key_403(api: Api) -> None:
    inference = api.inference_key()
    result = orctl("plan", "-c", AGENCY, env=api.env(OPENROUTER_MANAGEMENT_KEY=inference))
    assert_failed_cleanly(result, "is not a management key", "HTTP 403", secret=inference)
    assert "settings/management-keys" in result.stderr


def test_no_key_at_all_is_refused_without_a_prompt(api: Api) -> None:
    result = orctl("plan", "-c", AGENCY, "--base-url", api.base_url)
    assert_failed_cleanly(result, "management key", secret=api.key)
    assert "OPENROUTER_MANAGEMENT_KEY" in result.stderr


def test_a_key_echoed_by_the_api_is_masked(tamper: Any) -> None:
    emulator = Emulator(State.fresh(Env(None, None), management_secret=PLAIN_KEY))
    with start_server(emulator) as server:

        def echo(request: httpx.Request, response: httpx.Response) -> httpx.Response | None:
            sent = request.headers["authorization"]
            return json_response(401, {"error": {"code": 401, "message": f"Invalid credentials: {sent}"}})

        tamper(echo)
        env = {"OPENROUTER_BASE_URL": server.base_url, "OPENROUTER_MANAGEMENT_KEY": PLAIN_KEY}
        result = orctl("plan", "-c", AGENCY, env=env)
    cause = assert_failed_cleanly(result, "the management key was rejected", secret=PLAIN_KEY)
    assert "(sensitive)" in cause  # the API's reason is kept, the key in it masked


# -- the account changes while it is read --------------------------------------------------------


def test_workspace_deleted_between_the_list_and_its_reads(api: Api, tamper: Any) -> None:
    doomed = api.call("POST", "/workspaces", {"name": "Doomed", "slug": "doomed"})["data"]["id"]
    deleted = threading.Event()

    def delete_after_listing(request: httpx.Request, response: httpx.Response) -> None:
        if is_list(request, "/workspaces") and not deleted.is_set():
            deleted.set()
            api.call("DELETE", f"/workspaces/{doomed}")

    tamper(delete_after_listing)
    result = orctl("plan", "-c", AGENCY, env=api.env())
    assert deleted.is_set()
    assert_failed_cleanly(result, "workspace 'doomed' was deleted while the account was being read", secret=api.key)
    assert "run the command again" in result.stderr


def test_one_list_of_a_live_workspace_answering_404(api: Api, tamper: Any) -> None:
    workspace_id = api.call("POST", "/workspaces", {"name": "Flaky", "slug": "flaky"})["data"]["id"]

    def budgets_gone(request: httpx.Request, response: httpx.Response) -> httpx.Response | None:
        if is_list(request, f"/workspaces/{workspace_id}/budgets"):
            return json_response(404, {"error": {"code": 404, "message": "Not Found"}})
        return None

    tamper(budgets_gone)
    result = orctl("plan", "-c", AGENCY, env=api.env())
    # The workspace itself still exists, so the 404 is reported as what it is.
    assert_failed_cleanly(result, "budgets of workspace 'flaky' was not found", "HTTP 404", secret=api.key)


def test_preset_deleted_between_the_list_and_its_read(api: Api, tamper: Any) -> None:
    def vanished(request: httpx.Request, response: httpx.Response) -> httpx.Response | None:
        if is_list(request, "/presets"):
            return json_response(200, {"data": [{"id": "p-1", "slug": "gone", "workspace_id": None}], "total_count": 1})
        if is_list(request, "/presets/gone"):
            return json_response(404, {"error": {"code": 404, "message": "Preset not found"}})
        return None

    tamper(vanished)
    result = orctl("plan", "-c", AGENCY, env=api.env())
    assert_failed_cleanly(result, "preset 'gone' of workspace 'default' was not found", "HTTP 404", secret=api.key)


# -- throttling and server errors ----------------------------------------------------------------


def test_429_storm_ends_rate_limited(api: Api) -> None:
    # Retry-After: 0 makes the client's retries immediate, with no patching.
    api.emulator.faults.configure(FaultConfig.single(throttle_rate=1.0, retry_after_s=0))
    result = orctl("plan", "-c", AGENCY, env=api.env())
    cause = assert_failed_cleanly(result, "rate limited by OpenRouter", "HTTP 429", "5 attempts", secret=api.key)
    assert cause.startswith("Error: workspaces")
    assert "lower --parallelism" in result.stderr


def test_429_storm_waits_as_long_as_retry_after_says(api: Api) -> None:
    api.emulator.faults.configure(FaultConfig.single(throttle_rate=1.0, retry_after_s=7, path_prefix="/workspaces"))
    slept: list[float] = []
    with OpenRouterClient(api.base_url, api.key, sleep=slept.append) as client, pytest.raises(RateLimitedError) as err:
        read_live(client, parallelism=2)
    assert slept == [7.0, 7.0, 7.0, 7.0]
    assert err.value.status == 429 and err.value.resource == "workspaces"


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_after_retries(api: Api, status: int, fast_retries: list[tuple[int, str | None]]) -> None:
    api.emulator.faults.configure(FaultConfig.single(error_rate=1.0, error_statuses=(status,)))
    result = orctl("plan", "-c", AGENCY, env=api.env())
    assert_failed_cleanly(result, "OpenRouter failed to answer", f"HTTP {status}", "5 attempts", secret=api.key)
    assert max(n for n, _ in fast_retries) == 4  # four retries, then the error


def test_a_transient_500_is_retried_and_the_plan_succeeds(
    api: Api, tamper: Any, fast_retries: list[tuple[int, str | None]]
) -> None:
    failed = threading.Event()
    api.emulator.faults.configure(FaultConfig.single(error_rate=1.0, error_statuses=(500,), path_prefix="/providers"))

    def heal(request: httpx.Request, response: httpx.Response) -> None:
        if is_list(request, "/providers") and not failed.is_set():
            assert response.status_code == 500
            failed.set()
            api.emulator.faults.configure(FaultConfig())

    tamper(heal)
    result = orctl("plan", "-c", AGENCY, "--detailed-exitcode", env=api.env())
    assert result.exit_code == 2, result.output
    assert failed.is_set() and fast_retries == [(1, None)]


# -- answers orctl cannot use --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "fragment"),
    [
        ("/workspaces", b"{not json", "workspaces: the API answered HTTP 200 with a body that is not JSON"),
        ("/workspaces", b"<html><body>Welcome</body></html>", "with a body that is not JSON"),
        ("/providers", b"", "provider catalogue: the API answered HTTP 200 with a body without the `data` field"),
        ("/workspaces", b'["a", "list"]', "workspaces: the API answered HTTP 200 with a body without the `data` field"),
        ("/workspaces", b'{"data": {"id": 1}}', "a `data` field that is not a list of objects"),
        (
            "/workspaces",
            b'{"data": [{"name": "no id"}], "total_count": 1}',
            "workspaces: the API answered with an item",
        ),
        ("/providers", b'{"data": "everything"}', "catalogues: the API answered with a value of an unexpected type"),
        ("/guardrails/assignments/keys", b'{"data": [{"id": "x"}]}', "guardrail assignments: the API answered with"),
    ],
)
def test_malformed_answers(api: Api, tamper: Any, path: str, body: bytes, fragment: str) -> None:
    def garbage(request: httpx.Request, response: httpx.Response) -> httpx.Response | None:
        if is_list(request, path):
            return httpx.Response(200, content=body, headers={"content-type": "application/json"})
        return None

    tamper(garbage)
    result = orctl("plan", "-c", AGENCY, "--output", "json", env=api.env())
    assert_failed_cleanly(result, fragment, secret=api.key)
    assert "--base-url" in result.stderr  # the likeliest cause is pointing at something else


def test_a_redirect_is_not_followed_with_the_key(api: Api, tamper: Any) -> None:
    def redirect(request: httpx.Request, response: httpx.Response) -> httpx.Response:
        return httpx.Response(301, headers={"location": "https://elsewhere.example/api/v1/workspaces"})

    tamper(redirect)
    result = orctl("plan", "-c", AGENCY, env=api.env())
    assert_failed_cleanly(result, "a redirect to https://elsewhere.example/api/v1/workspaces", secret=api.key)


# -- pages that repeat or skip items -------------------------------------------------------------


def test_a_keys_page_that_repeats_the_first(api: Api, tamper: Any) -> None:
    workspace = api.call("POST", "/workspaces", {"name": "Busy", "slug": "busy"})["data"]["id"]
    for n in range(101):  # /keys pages hold 100: this makes a second page
        api.call("POST", "/keys", {"name": f"key-{n}", "workspace_id": workspace})
    first_page: dict[str, bytes] = {}
    lock = threading.Lock()

    def repeat(request: httpx.Request, response: httpx.Response) -> httpx.Response | None:
        if not is_list(request, "/keys") or request.url.params.get("workspace_id") != workspace:
            return None
        with lock:
            if request.url.params.get("offset") == "0":
                first_page["body"] = response.content
                return None
            return httpx.Response(200, content=first_page["body"], headers={"content-type": "application/json"})

    tamper(repeat)
    result = orctl("plan", "-c", AGENCY, env=api.env())
    assert_failed_cleanly(
        result, "API keys of workspace 'busy'", "page at offset 100 repeats an item already listed", secret=api.key
    )
    assert "run the command again" in result.stderr


def test_a_page_with_an_item_twice(api: Api, tamper: Any) -> None:
    def doubled(request: httpx.Request, response: httpx.Response) -> httpx.Response | None:
        if is_list(request, "/workspaces"):
            body = json.loads(response.content)
            body["data"] = body["data"] * 2
            return json_response(200, body)
        return None

    tamper(doubled)
    result = orctl("plan", "-c", AGENCY, env=api.env())
    assert_failed_cleanly(result, "workspaces: page at offset 0 repeats an item already listed", secret=api.key)


# A total_count the pages disagree with is a warning, not a failure: see test_plan_cli_paging.py.


# -- no key in any failure -----------------------------------------------------------------------


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 429, 500])
def test_error_bodies_quoting_the_key_never_show_it(tamper: Any, status: int) -> None:
    emulator = Emulator(State.fresh(Env(None, None), management_secret=PLAIN_KEY))
    with start_server(emulator) as server:

        def echo(request: httpx.Request, response: httpx.Response) -> httpx.Response:
            message = f"{request.headers['authorization']} / {PLAIN_KEY} was not accepted"
            return json_response(status, {"error": {"code": status, "message": message}}, {"retry-after": "0"})

        tamper(echo)
        env = {"OPENROUTER_BASE_URL": server.base_url, "OPENROUTER_MANAGEMENT_KEY": PLAIN_KEY}
        result = orctl("plan", "-c", AGENCY, env=env)
    assert_failed_cleanly(result, f"HTTP {status}", secret=PLAIN_KEY)
