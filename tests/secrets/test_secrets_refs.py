from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from secrets_support import PLAIN_SECRET, SECRET, MemoryKeyring

from openrouter_iac.errors import SecretError
from openrouter_iac.secrets import (
    EnvRef,
    FileRef,
    KeyringRef,
    looks_like_secret_literal,
    parse_secret_ref,
    resolve_secret_ref,
)


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("env:OPENROUTER_MANAGEMENT_KEY", EnvRef("OPENROUTER_MANAGEMENT_KEY")),
        ("env:_lower_ok1", EnvRef("_lower_ok1")),
        ("keyring:orctl/management", KeyringRef("orctl", "management")),
        ("keyring:orctl/prod/ci-bot", KeyringRef("orctl", "prod/ci-bot")),
        ("file:~/.config/orctl/key", FileRef("~/.config/orctl/key")),
        ("file:secrets/key.txt", FileRef("secrets/key.txt")),
        ("file:/run/secrets/key", FileRef("/run/secrets/key")),
    ],
)
def test_parse(text: str, parsed: object) -> None:
    assert parse_secret_ref(text) == parsed
    assert str(parsed) == text


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "is not a secret reference"),
        ("OPENROUTER_MANAGEMENT_KEY", "is not a secret reference"),
        ("ENV:X", "is not a secret reference"),
        ("vault:secret/x", "is not a secret reference"),
        (" env:X", "is not a secret reference"),
        ("env:X ", "leading or trailing spaces"),
        ("env:", "valid environment variable"),
        ("env:1BAD", "valid environment variable"),
        ("env:BAD-NAME", "valid environment variable"),
        ("keyring:orctl", "both a service and a name"),
        ("keyring:/name", "both a service and a name"),
        ("keyring:orctl/", "both a service and a name"),
        ("file:", "does not name a file"),
        ("file:///etc/key", "does not name a file"),
    ],
)
def test_parse_rejects_malformed(text: str, problem: str) -> None:
    with pytest.raises(SecretError, match=problem) as caught:
        parse_secret_ref(text)
    assert caught.value.hint or "spaces" in problem


@pytest.mark.parametrize("literal", [SECRET, PLAIN_SECRET, "sk-proj-" + "x1" * 20])
def test_parse_never_echoes_a_pasted_secret(literal: str) -> None:
    with pytest.raises(SecretError, match="secret value was written") as caught:
        parse_secret_ref(literal)
    assert literal not in str(caught.value)


def test_resolve_env(tmp_path: Path) -> None:
    env = {"KEY": f"  {PLAIN_SECRET}\n", "EMPTY": ""}
    assert resolve_secret_ref("env:KEY", base_dir=tmp_path, env=env) == PLAIN_SECRET
    with pytest.raises(SecretError, match="'env:MISSING' names the environment variable MISSING, which is not set"):
        resolve_secret_ref("env:MISSING", base_dir=tmp_path, env=env)
    with pytest.raises(SecretError, match="'env:EMPTY' leads to an empty value"):
        resolve_secret_ref("env:EMPTY", base_dir=tmp_path, env=env)


def test_resolve_env_defaults_to_process_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORCTL_TEST_SECRET_REF", PLAIN_SECRET)
    assert resolve_secret_ref("env:ORCTL_TEST_SECRET_REF", base_dir=tmp_path) == PLAIN_SECRET


def test_resolve_keyring(tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    memory_keyring.set_password("orctl", "prod/ci-bot", PLAIN_SECRET)
    assert resolve_secret_ref("keyring:orctl/prod/ci-bot", base_dir=tmp_path) == PLAIN_SECRET
    assert resolve_secret_ref(KeyringRef("orctl", "prod/ci-bot"), base_dir=tmp_path) == PLAIN_SECRET
    with pytest.raises(SecretError, match="has no keyring entry") as caught:
        resolve_secret_ref("keyring:orctl/other", base_dir=tmp_path)
    assert caught.value.hint == "store it with: keyring set orctl other"


def test_resolve_keyring_without_backend(tmp_path: Path) -> None:
    # The autouse fixture installed the fail backend.
    with pytest.raises(SecretError, match=r"keyring.backends.fail.Keyring failed \(NoKeyringError\)"):
        resolve_secret_ref("keyring:orctl/management", base_dir=tmp_path)
    assert isinstance(keyring.get_keyring(), keyring.backends.fail.Keyring)


def test_resolve_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg/key.txt").write_text(PLAIN_SECRET + "\n")
    assert resolve_secret_ref("file:key.txt", base_dir=tmp_path / "cfg") == PLAIN_SECRET
    assert resolve_secret_ref(f"file:{tmp_path}/cfg/key.txt", base_dir=Path("/nonexistent")) == PLAIN_SECRET
    monkeypatch.setenv("HOME", str(tmp_path))
    assert resolve_secret_ref("file:~/cfg/key.txt", base_dir=Path("/nonexistent")) == PLAIN_SECRET


def test_resolve_file_problems(tmp_path: Path) -> None:
    with pytest.raises(SecretError, match=f"'file:missing' names {tmp_path}/missing, which does not exist"):
        resolve_secret_ref("file:missing", base_dir=tmp_path)
    (tmp_path / "dir").mkdir()
    with pytest.raises(SecretError, match="cannot be read"):
        resolve_secret_ref("file:dir", base_dir=tmp_path)
    (tmp_path / ".env").write_text(f"A={PLAIN_SECRET}\nB=other\n")
    with pytest.raises(SecretError, match="holds several lines") as caught:
        resolve_secret_ref("file:.env", base_dir=tmp_path)
    assert PLAIN_SECRET not in str(caught.value)
    (tmp_path / "blank").write_text("\n\n")
    with pytest.raises(SecretError, match="empty value"):
        resolve_secret_ref("file:blank", base_dir=tmp_path)
    (tmp_path / "binary").write_bytes(b"\xff\xfe" + PLAIN_SECRET.encode())
    with pytest.raises(SecretError, match="not UTF-8"):
        resolve_secret_ref("file:binary", base_dir=tmp_path)


@pytest.mark.parametrize(
    "value",
    [
        SECRET,
        "sk-or-v1-short",
        "sk-proj-abcdefghijklmnopqrstu",
        "sk-ant-api03-" + "Ab3dE" * 8,
        PLAIN_SECRET,
        "9eec2a87ba105711df0b07589e16cb873151543cef15bc032ba86df96126ef91",
        "0c6d3f5e8b2a4f7d9e1b3a5c7d9f1e2b",
        "ghp_" + "aB3cD4eF5gH6iJ7kL8mN9oP0qR1sT2uV3wX4",
        "AKIA4RII867K8Z2U2DK2",
        "wJalrXUtnFEMIK7MDENGbPxRfiCYzEXAMPLEKEYs",
    ],
)
def test_literal_detection_flags_secrets(value: str) -> None:
    assert looks_like_secret_literal(value)


@pytest.mark.parametrize(
    "value",
    [
        "env:OPENROUTER_MANAGEMENT_KEY",
        "keyring:orctl/prod/ci-bot",
        "file:/run/secrets/3f9a1c3f9a1c3f9a1c3f9a1c3f9a1c",
        "OPENROUTER_KEY_PROD_EU_CI_BOT",
        "anthropic/claude-3.5-sonnet",
        "openai/gpt-4o-mini-2024-07-18",
        "claude-3-5-sonnet-20241022",
        "meta-llama/llama-3.1-405b-instruct",
        "my-production-workspace",
        "productionworkspace2024",
        "thisisaverylongidentifierwithoutanyseparators",
        "a sentence with spaces and 12345 digits in it",
        "sk-learn",
        "short1x2y3z",
        "",
    ],
)
def test_literal_detection_passes_names(value: str) -> None:
    assert not looks_like_secret_literal(value)
