"""`orctl auth login | status | logout`, with an in-memory keyring and a scripted API."""

from __future__ import annotations

import functools

import httpx
import keyring
import pytest
from click.testing import CliRunner
from client_support import FAKE_KEY, PlaintextKeyring, Script, api_error, json_response

from openrouter_iac.cli import auth_cmd, main
from openrouter_iac.client import OpenRouterClient

SLOT = ("orctl", "management-key")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in ("OPENROUTER_MANAGEMENT_KEY", "OPENROUTER_BASE_URL", "CI"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def api(monkeypatch):
    """Route the commands' API calls to a script instead of the network."""
    script = Script([])
    factory = functools.partial(OpenRouterClient, transport=httpx.MockTransport(script), sleep=lambda s: None)
    monkeypatch.setattr(auth_cmd, "OpenRouterClient", factory)
    return script


def run(*args, input=None, env=None):
    return CliRunner().invoke(main, ["auth", *args], input=input, env=env)


def test_login_from_stdin_stores_the_key(memory_keyring):
    result = run("login", "--management-key-file", "-", input=FAKE_KEY + "\n")
    assert result.exit_code == 0, result.output
    assert memory_keyring.store == {SLOT: FAKE_KEY}
    assert result.stdout == (
        "Stored the management key in keyring orctl/management-key (backend client_support.MemoryKeyring).\n"
    )
    assert FAKE_KEY not in result.output


def test_login_from_a_file(memory_keyring, tmp_path):
    path = tmp_path / "key"
    path.write_text(FAKE_KEY)
    assert run("login", "--management-key-file", str(path)).exit_code == 0
    assert memory_keyring.store == {SLOT: FAKE_KEY}


def test_login_prompts_hidden_on_a_terminal(memory_keyring, monkeypatch):
    monkeypatch.setattr(auth_cmd, "_interactive", lambda: True)
    result = run("login", input=FAKE_KEY + "\n")
    assert result.exit_code == 0, result.output
    assert memory_keyring.store == {SLOT: FAKE_KEY}
    assert FAKE_KEY not in result.output  # hidden input is not echoed


def test_login_without_a_terminal_asks_for_a_file(memory_keyring):
    result = run("login", env={"CI": "1"})
    assert result.exit_code == 1  # a usage error: 2 would read as "there are changes"
    assert "no terminal to prompt on: pass --management-key-file PATH, or '-'" in result.stderr
    assert memory_keyring.store == {}


def test_login_refuses_an_insecure_backend_before_reading_the_key():
    backend = PlaintextKeyring()
    keyring.set_keyring(backend)
    result = run("login", "--management-key-file", "-", input=FAKE_KEY)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: refusing to store the management key in the keyring backend "
        "client_support.PlaintextKeyring: it is not secure storage (plaintext, null or unavailable)\n"
    )
    assert "--allow-insecure-keyring" in result.stderr
    assert backend.store == {}


def test_login_allows_an_insecure_backend_on_request():
    backend = PlaintextKeyring()
    keyring.set_keyring(backend)
    result = run("login", "--management-key-file", "-", "--allow-insecure-keyring", input=FAKE_KEY)
    assert result.exit_code == 0
    assert "Warning: that keyring backend is not secure storage." in result.stderr
    assert backend.store == {SLOT: FAKE_KEY}


def test_login_with_no_keyring_at_all_fails_cleanly():
    result = run("login", "--management-key-file", "-", "--allow-insecure-keyring", input=FAKE_KEY)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: storing the management key in the keyring failed (NoKeyringError")
    assert "Traceback" not in result.output


def test_login_verify_checks_it_is_a_management_key(memory_keyring, api):
    api.steps.append(json_response(200, {"data": {"label": "sk-or-v1-0e6...1c96", "is_management_key": True}}))
    result = run("login", "--management-key-file", "-", "--verify", input=FAKE_KEY)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Verified: https://openrouter.ai/api/v1 accepts it as a management key.\n")
    assert api.requests[0].url == "https://openrouter.ai/api/v1/key"
    assert memory_keyring.store == {SLOT: FAKE_KEY}


def test_login_verify_refuses_an_ordinary_key(memory_keyring, api):
    api.steps.append(json_response(200, {"data": {"is_management_key": False, "is_provisioning_key": False}}))
    result = run("login", "--management-key-file", "-", "--verify", input=FAKE_KEY)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: the key is valid but it is not a management key (GET /key says is_management_key is false)\n"
        "  hint: create a management key at https://openrouter.ai/settings/management-keys\n"
    )
    assert memory_keyring.store == {}


def test_login_verify_reports_a_rejected_key(memory_keyring, api):
    api.steps.append(api_error(401, "User not found."))
    result = run("login", "--management-key-file", "-", "--verify", input=FAKE_KEY)
    assert result.exit_code == 1
    assert "the management key was rejected (HTTP 401: User not found.)" in result.stderr
    assert memory_keyring.store == {}


def test_status_names_the_source_never_the_key(memory_keyring):
    memory_keyring.set_password(*SLOT, FAKE_KEY)
    result = run("status")
    assert result.exit_code == 0
    assert result.stdout == (
        "keyring backend: client_support.MemoryKeyring (secure)\nmanagement key: from keyring orctl/management-key\n"
    )
    result = run("status", env={"OPENROUTER_MANAGEMENT_KEY": FAKE_KEY})
    assert "management key: from env OPENROUTER_MANAGEMENT_KEY\n" in result.stdout
    assert FAKE_KEY not in result.output


def test_status_without_a_key_exits_1_and_lists_the_ways():
    result = run("status")
    assert result.exit_code == 1
    assert "Error: no management key found: keyring unavailable (NoKeyringError" in result.stderr
    assert "--management-key-file PATH" in result.stderr


def test_a_long_keyring_reason_is_cut_at_a_word():
    result = run("status")
    line = next(line for line in result.stderr.splitlines() if "keyring unavailable (" in line)
    reason = line.split("keyring unavailable (", 1)[1]
    assert reason.startswith("NoKeyringError: No recommended backend was available.")
    assert reason.endswith(" ...)"), reason  # was "... if you want to use t)"
    assert reason[: -len(" ...)")][-1].isalpha()


def test_status_check_calls_get_key(api):
    api.steps.append(json_response(200, {"data": {"is_management_key": True}}))
    result = run(
        "status", "--check", "--base-url", "http://127.0.0.1:9/api/v1", env={"OPENROUTER_MANAGEMENT_KEY": FAKE_KEY}
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("check: http://127.0.0.1:9/api/v1 accepts it as a management key\n")
    assert api.requests[0].headers["authorization"] == f"Bearer {FAKE_KEY}"


def test_status_check_with_a_bad_base_url(api):
    result = run("status", "--check", "--base-url", "ftp://x", env={"OPENROUTER_MANAGEMENT_KEY": FAKE_KEY})
    assert result.exit_code == 1
    assert "Error: --base-url 'ftp://x' is not an http(s) URL with a host" in result.stderr


def test_logout_removes_the_key(memory_keyring):
    memory_keyring.set_password(*SLOT, FAKE_KEY)
    result = run("logout")
    assert (result.exit_code, result.stdout) == (0, "Removed the management key from keyring orctl/management-key.\n")
    assert memory_keyring.store == {}
    result = run("logout", env={"OPENROUTER_MANAGEMENT_KEY": FAKE_KEY})
    assert result.stdout == "No management key was stored in keyring orctl/management-key.\n"
    assert result.stderr == "Note: OPENROUTER_MANAGEMENT_KEY is still set in this environment.\n"


def test_help_texts_explain_the_sources():
    result = run("--help")
    assert "the OPENROUTER_MANAGEMENT_KEY environment variable" in result.output
    assert 'service "orctl", user "management-key"' in result.output
