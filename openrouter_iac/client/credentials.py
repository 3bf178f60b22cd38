"""Where the management key comes from, and the keyring entry ``orctl auth`` manages.

Resolution order: ``--management-key-file PATH`` (``-`` = stdin), then ``OPENROUTER_MANAGEMENT_KEY``,
then the keyring (service ``orctl``, username ``management-key``), then a hidden prompt, but only
when allowed and stdin is a terminal outside CI. There is deliberately no flag that takes the value
itself, so the key never lands in argv or shell history.
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from openrouter_iac.errors import CredentialsError, SecretError, redact

KEY_ENV = "OPENROUTER_MANAGEMENT_KEY"
KEYRING_SERVICE = "orctl"
KEYRING_USERNAME = "management-key"
KEYRING_SOURCE = f"keyring {KEYRING_SERVICE}/{KEYRING_USERNAME}"
PROMPT_TEXT = "OpenRouter management key (input hidden): "

WAYS_TO_PROVIDE = (
    "provide it with one of: --management-key-file PATH (or - to read stdin); "
    f"the {KEY_ENV} environment variable; `orctl auth login` to store it in the keyring"
)


@dataclass(frozen=True)
class ManagementKey:
    """A management key and where it came from. Neither ``repr`` nor ``str`` shows the value."""

    value: str = field(repr=False)
    source: str

    def __str__(self) -> str:
        return f"management key from {self.source}"

    def __repr__(self) -> str:
        return f"ManagementKey(source={self.source!r})"


def key_problem(value: str) -> str | None:
    """Why ``value`` cannot be sent as a bearer token, or None. Never quotes the value."""
    if not value:
        return "is empty"
    if len(value) > 1024:
        return "is too long to be a key"
    if not value.isascii() or not value.isprintable() or any(ch.isspace() for ch in value):
        # Also keeps httpx from failing to encode the header with the value in its message.
        return "contains spaces, line breaks or non-ASCII characters (is the file more than the key?)"
    return None


def _checked(value: str, source: str) -> ManagementKey:
    value = value.strip()
    problem = key_problem(value)
    if problem:
        raise CredentialsError(f"the management key from {source} {problem}", hint=WAYS_TO_PROVIDE)
    return ManagementKey(value, source)


def read_key_file(path: str, *, stdin: TextIO = sys.stdin) -> ManagementKey:
    """Read the key from ``path``, or from stdin when ``path`` is ``-``."""
    if path == "-":
        return _checked(stdin.read(), "stdin")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        raise CredentialsError(f"cannot read the management key file {path}: {reason}", hint=WAYS_TO_PROVIDE) from None
    return _checked(text, f"file {path}")


def in_ci(env: Mapping[str, str]) -> bool:
    return env.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def can_prompt(stdin: TextIO, env: Mapping[str, str]) -> bool:
    """Prompt only for a person at a terminal: never under CI or with redirected stdin."""
    if in_ci(env):
        return False
    try:
        return stdin.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def _default_prompt(text: str) -> str:
    return getpass.getpass(text, stream=sys.stderr)


def prompt_for_key(prompt: Callable[[str], str] = _default_prompt) -> ManagementKey:
    return _checked(prompt(PROMPT_TEXT), "prompt")


# -- keyring ------------------------------------------------------------------------------------


def _keyring() -> Any:
    # Imported late: most runs take the key from a file or the environment and never need it.
    import keyring

    return keyring


def _short(exc: BaseException) -> str:
    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    text = f"{type(exc).__name__}: {first_line}" if first_line else type(exc).__name__
    return redact(text if len(text) <= 160 else text[:160].rsplit(" ", 1)[0].rstrip(",;:") + " ...")  # at a word


def read_keyring() -> tuple[str | None, str]:
    """The stored key (or None) and a note on what the keyring said; never raises."""
    try:
        value = _keyring().get_password(KEYRING_SERVICE, KEYRING_USERNAME)
    except Exception as exc:  # any backend failure means "not available here", as twine does
        return None, f"keyring unavailable ({_short(exc)})"
    if not value:
        return None, f"nothing stored in {KEYRING_SOURCE}"
    return value, f"found in {KEYRING_SOURCE}"


def backend_name(backend: Any) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def backend_is_secure(backend: Any) -> bool:
    """False for the fail and null backends, plaintext files, and chains that include one."""
    from keyring.backends import chainer, fail, null

    if isinstance(backend, chainer.ChainerBackend):
        # A chain falls through to its next backend on failure: every link must be safe.
        links = list(backend.backends)
        return bool(links) and all(backend_is_secure(link) for link in links)
    if isinstance(backend, fail.Keyring | null.Keyring):
        return False
    cls = type(backend)
    if "plaintext" in cls.__qualname__.lower():
        return False
    return not (cls.__module__.startswith("keyrings.alt") and "Encrypted" not in cls.__qualname__)


def current_backend() -> tuple[str, bool]:
    """The active keyring backend's name and whether it is secure; never raises."""
    try:
        backend = _keyring().get_keyring()
        return backend_name(backend), backend_is_secure(backend)
    except Exception as exc:
        return f"unavailable ({_short(exc)})", False


def writable_backend(*, allow_insecure: bool) -> tuple[str, bool]:
    """The active backend's name and whether it is secure; raises if it is not and that is not allowed."""
    name, secure = current_backend()
    if not secure and not allow_insecure:
        raise SecretError(
            f"refusing to store the management key in the keyring backend {name}: "
            "it is not secure storage (plaintext, null or unavailable)",
            hint="install an OS keyring backend, set the key in OPENROUTER_MANAGEMENT_KEY instead, "
            "or pass --allow-insecure-keyring",
        )
    return name, secure


def store_in_keyring(key: ManagementKey, *, allow_insecure: bool) -> str:
    """Store the key under orctl/management-key and return the backend's name."""
    name, _ = writable_backend(allow_insecure=allow_insecure)
    try:
        _keyring().set_password(KEYRING_SERVICE, KEYRING_USERNAME, key.value)
    except Exception as exc:
        raise SecretError(
            f"storing the management key in the keyring failed ({redact(_short(exc), key.value)})",
            hint=f"use {KEY_ENV} or --management-key-file instead",
        ) from None
    return name


def delete_from_keyring() -> bool:
    """Remove the stored key; False when nothing was stored."""
    keyring = _keyring()
    try:
        if keyring.get_password(KEYRING_SERVICE, KEYRING_USERNAME) is None:
            return False
        keyring.delete_password(KEYRING_SERVICE, KEYRING_USERNAME)
    except keyring.errors.PasswordDeleteError:
        return False
    except Exception as exc:
        raise SecretError(f"the keyring is unavailable ({_short(exc)})") from None
    return True


# -- resolution ---------------------------------------------------------------------------------


def resolve_management_key(
    key_file: str | None,
    *,
    stdin: TextIO = sys.stdin,
    env: Mapping[str, str] = os.environ,
    allow_prompt: bool,
    prompt: Callable[[str], str] = _default_prompt,
) -> ManagementKey:
    """Find the management key: file/stdin, then the environment, then the keyring, then a prompt.

    The keyring is skipped under CI (it can hang on headless machines). Raises CredentialsError
    listing every way to provide the key, with a note on what was tried.
    """
    if key_file:
        return read_key_file(key_file, stdin=stdin)
    notes: list[str] = []
    from_env = env.get(KEY_ENV)
    if from_env and from_env.strip():
        return _checked(from_env, f"env {KEY_ENV}")
    if from_env is not None:
        notes.append(f"{KEY_ENV} is set but empty (a missing CI secret?)")
    if in_ci(env):
        notes.append("keyring skipped because CI is set")
    else:
        value, note = read_keyring()
        if value:
            return _checked(value, KEYRING_SOURCE)
        notes.append(note)
    if allow_prompt and can_prompt(stdin, env):
        return prompt_for_key(prompt)
    raise CredentialsError("no management key found: " + "; ".join(notes), hint=WAYS_TO_PROVIDE)
