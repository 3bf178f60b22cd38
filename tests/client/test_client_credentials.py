"""Where the management key comes from, in which order, and what happens when nothing has it."""

from __future__ import annotations

import io

import keyring
import keyring.backends.chainer
import keyring.backends.fail
import keyring.backends.null
import pytest
from client_support import FAKE_KEY, BrokenKeyring, MemoryKeyring, PlaintextKeyring

from openrouter_iac.client import (
    BASE_URL_ENV,
    DEFAULT_BASE_URL,
    OpenRouterClient,
    backend_is_secure,
    current_backend,
    delete_from_keyring,
    resolve_base_url,
    resolve_management_key,
    store_in_keyring,
)
from openrouter_iac.client.credentials import ManagementKey, read_keyring
from openrouter_iac.errors import CredentialsError, OrctlError, SecretError

ENV_KEY = "sk-or-mgmt-fake-test-only-from-env"
RING_KEY = "sk-or-mgmt-fake-test-only-from-keyring"


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def never_prompt(text: str) -> str:
    raise AssertionError("must not prompt")


def resolve(key_file=None, *, env=None, stdin=None, allow_prompt=False, prompt=never_prompt):
    return resolve_management_key(
        key_file, stdin=stdin or io.StringIO(""), env=env or {}, allow_prompt=allow_prompt, prompt=prompt
    )


def test_file_comes_first(tmp_path, memory_keyring):
    memory_keyring.set_password("orctl", "management-key", RING_KEY)
    path = tmp_path / "key"
    path.write_text(FAKE_KEY + "\n")
    key = resolve(str(path), env={"OPENROUTER_MANAGEMENT_KEY": ENV_KEY})
    assert key.value == FAKE_KEY
    assert key.source == f"file {path}"


def test_dash_reads_stdin():
    key = resolve("-", stdin=io.StringIO(f"  {FAKE_KEY}\n"), env={"OPENROUTER_MANAGEMENT_KEY": ENV_KEY})
    assert (key.value, key.source) == (FAKE_KEY, "stdin")


def test_environment_comes_before_keyring(memory_keyring):
    memory_keyring.set_password("orctl", "management-key", RING_KEY)
    key = resolve(env={"OPENROUTER_MANAGEMENT_KEY": ENV_KEY})
    assert (key.value, key.source) == (ENV_KEY, "env OPENROUTER_MANAGEMENT_KEY")


def test_keyring_comes_last(memory_keyring):
    memory_keyring.set_password("orctl", "management-key", RING_KEY)
    key = resolve()
    assert (key.value, key.source) == (RING_KEY, "keyring orctl/management-key")


def test_prompt_only_when_allowed_and_on_a_terminal():
    key = resolve(stdin=Tty(), allow_prompt=True, prompt=lambda text: FAKE_KEY)
    assert (key.value, key.source) == (FAKE_KEY, "prompt")
    with pytest.raises(CredentialsError):
        resolve(stdin=io.StringIO(""), allow_prompt=True)  # stdin is not a TTY


def test_no_prompt_and_no_keyring_under_ci(memory_keyring):
    memory_keyring.set_password("orctl", "management-key", RING_KEY)
    with pytest.raises(CredentialsError) as info:
        resolve(env={"CI": "true"}, stdin=Tty(), allow_prompt=True)
    assert str(info.value) == (
        "no management key found: keyring skipped because CI is set\n"
        "  hint: provide it with one of: --management-key-file PATH (or - to read stdin); "
        "the OPENROUTER_MANAGEMENT_KEY environment variable; `orctl auth login` to store it in the keyring"
    )


def test_ci_false_is_not_ci(memory_keyring):
    memory_keyring.set_password("orctl", "management-key", RING_KEY)
    assert resolve(env={"CI": "false"}).value == RING_KEY


def test_empty_environment_variable_is_reported(memory_keyring):
    with pytest.raises(CredentialsError) as info:
        resolve(env={"OPENROUTER_MANAGEMENT_KEY": "  "})
    assert info.value.message == (
        "no management key found: OPENROUTER_MANAGEMENT_KEY is set but empty (a missing CI secret?); "
        "nothing stored in keyring orctl/management-key"
    )


def test_keyring_without_backend_degrades_to_not_found():
    # The autouse fixture installed keyring's "fail" backend, as on a headless box.
    with pytest.raises(CredentialsError) as info:
        resolve()
    assert info.value.message.startswith("no management key found: keyring unavailable (NoKeyringError: ")
    assert "Traceback" not in str(info.value)


def test_locked_keyring_degrades_to_not_found():
    keyring.set_keyring(BrokenKeyring())
    assert read_keyring() == (None, "keyring unavailable (KeyringLocked: the collection is locked)")


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CredentialsError) as info:
        resolve(str(tmp_path / "nope"))
    assert info.value.message == f"cannot read the management key file {tmp_path / 'nope'}: No such file or directory"


@pytest.mark.parametrize(
    "content", ["", "\n", f"{FAKE_KEY}\nsecond line", "OPENROUTER_MANAGEMENT_KEY=a b", "sk-or-mgmt-fake-tést"]
)
def test_file_that_is_not_just_a_key_is_refused_without_quoting_it(tmp_path, content):
    path = tmp_path / "key"
    path.write_text(content)
    with pytest.raises(CredentialsError) as info:
        resolve(str(path))
    assert info.value.message.startswith(f"the management key from file {path} ")
    if content.strip():
        assert content.strip().split()[0] not in str(info.value)


def test_client_refuses_a_key_it_could_not_send():
    with pytest.raises(CredentialsError, match="non-ASCII"):
        OpenRouterClient("https://api.test", "fake-clé")


def test_management_key_never_shows_its_value():
    key = ManagementKey(FAKE_KEY, "stdin")
    assert FAKE_KEY not in repr(key)
    assert FAKE_KEY not in str(key)
    assert FAKE_KEY not in f"{key} {key!r} {[key]}"
    assert str(key) == "management key from stdin"


# -- keyring storage ----------------------------------------------------------------------------


def test_store_and_delete(memory_keyring):
    name = store_in_keyring(ManagementKey(FAKE_KEY, "stdin"), allow_insecure=False)
    assert name.endswith("client_support.MemoryKeyring")
    assert memory_keyring.store == {("orctl", "management-key"): FAKE_KEY}
    assert delete_from_keyring() is True
    assert delete_from_keyring() is False


@pytest.mark.parametrize(
    "backend",
    [keyring.backends.fail.Keyring(), keyring.backends.null.Keyring(), PlaintextKeyring()],
    ids=["fail", "null", "plaintext"],
)
def test_insecure_backends_are_refused_unless_allowed(backend):
    keyring.set_keyring(backend)
    with pytest.raises(SecretError, match="refusing to store the management key in the keyring backend"):
        store_in_keyring(ManagementKey(FAKE_KEY, "stdin"), allow_insecure=False)


def test_insecure_backend_allowed_on_request():
    backend = PlaintextKeyring()
    keyring.set_keyring(backend)
    store_in_keyring(ManagementKey(FAKE_KEY, "stdin"), allow_insecure=True)
    assert backend.store[("orctl", "management-key")] == FAKE_KEY


def test_failed_store_does_not_echo_the_key():
    keyring.set_keyring(BrokenKeyring())
    with pytest.raises(SecretError) as info:
        store_in_keyring(ManagementKey(FAKE_KEY, "stdin"), allow_insecure=True)
    assert FAKE_KEY not in str(info.value)
    assert "storing the management key in the keyring failed (PasswordSetError" in str(info.value)


def test_delete_with_no_backend_is_a_clear_error():
    with pytest.raises(SecretError, match=r"the keyring is unavailable \(NoKeyringError"):
        delete_from_keyring()


def test_chain_is_secure_only_if_every_link_is(monkeypatch):
    chain = keyring.backends.chainer.ChainerBackend()
    monkeypatch.setattr(type(chain), "backends", [MemoryKeyring()])
    assert backend_is_secure(chain)
    monkeypatch.setattr(type(chain), "backends", [MemoryKeyring(), PlaintextKeyring()])
    assert not backend_is_secure(chain)
    monkeypatch.setattr(type(chain), "backends", [])
    assert not backend_is_secure(chain)


def test_current_backend_names_it():
    assert current_backend() == ("keyring.backends.fail.Keyring", False)


# -- base URL -----------------------------------------------------------------------------------


def test_base_url_order():
    assert resolve_base_url(None, env={}) == DEFAULT_BASE_URL
    assert resolve_base_url(None, env={BASE_URL_ENV: "https://eu.openrouter.ai/api/v1/"}) == (
        "https://eu.openrouter.ai/api/v1"
    )
    assert resolve_base_url("http://127.0.0.1:8080/api/v1", env={BASE_URL_ENV: "https://x.test"}) == (
        "http://127.0.0.1:8080/api/v1"
    )
    assert resolve_base_url("http://localhost:1/", env={}) == "http://localhost:1"


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("openrouter.ai/api/v1", "is not an http(s) URL with a host"),
        ("ftp://openrouter.ai", "is not an http(s) URL with a host"),
        ("https://", "is not an http(s) URL with a host"),
        ("https://user:pw@openrouter.ai", "must not contain credentials, a query or a fragment"),
        ("http://openrouter.ai/api/v1", "uses plain http to a host that is not local"),
    ],
)
def test_bad_base_urls_are_refused(raw, problem):
    with pytest.raises(OrctlError) as info:
        resolve_base_url(raw, env={})
    assert info.value.message.startswith("--base-url ")
    assert problem in info.value.message
    assert info.value.hint


def test_bad_base_url_from_env_names_the_variable():
    with pytest.raises(OrctlError, match=r"^OPENROUTER_BASE_URL 'nope' is not an http"):
        resolve_base_url(None, env={BASE_URL_ENV: "nope"})
