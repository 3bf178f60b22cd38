"""Secret references in configuration (`env:NAME`, `keyring:SERVICE/NAME`, `file:PATH`).

The configuration never holds a secret itself, only where to find it. Errors name the reference,
never the value it leads to.
"""

from __future__ import annotations

import itertools
import math
import os
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from openrouter_iac.errors import SecretError

FORMS = "env:NAME, keyring:SERVICE/NAME or file:PATH"
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class EnvRef:
    """`env:NAME`: the value of environment variable NAME."""

    name: str

    def __str__(self) -> str:
        return f"env:{self.name}"


@dataclass(frozen=True)
class KeyringRef:
    """`keyring:SERVICE/NAME`: the keyring entry for SERVICE and username NAME (which may hold `/`,
    so `keyring:orctl/<workspace>/<key>` reads what the keyring sink stored)."""

    service: str
    username: str

    def __str__(self) -> str:
        return f"keyring:{self.service}/{self.username}"


@dataclass(frozen=True)
class FileRef:
    """`file:PATH`: the contents of a file, surrounding whitespace removed. `~` is expanded;
    relative paths are taken from the configuration's directory."""

    path: str

    def __str__(self) -> str:
        return f"file:{self.path}"


SecretRef = EnvRef | KeyringRef | FileRef


def _shown(ref: str) -> str:
    # A malformed reference may hold a pasted secret (`vault:<token>`, `env:<token>`): never echo one.
    target = ref.partition(":")[2]
    candidates = [ref, target, target.partition("/")[2], *ref.split()]
    if any(looks_like_secret_literal(part) for part in candidates):
        return "a value that looks like it holds a secret"
    return repr(ref if len(ref) <= 80 else ref[:77] + "...")


def parse_secret_ref(ref: str) -> SecretRef:
    """Parse a reference without resolving it. Raises :class:`SecretError` if it is malformed."""
    scheme, colon, target = ref.partition(":")
    if looks_like_secret_literal(ref):
        raise SecretError(
            "a secret value was written where a secret reference belongs",
            hint=f"never put secrets in the configuration; refer to them as {FORMS}",
        )
    if not colon or scheme not in ("env", "keyring", "file"):
        raise SecretError(f"{_shown(ref)} is not a secret reference", hint=f"write {FORMS}")
    if ref != ref.strip():
        raise SecretError(f"the secret reference {_shown(ref)} has leading or trailing spaces")
    if scheme == "env":
        if not _ENV_NAME.fullmatch(target):
            raise SecretError(
                f"the secret reference {_shown(ref)} does not name a valid environment variable",
                hint="write env:NAME, where NAME is letters, digits and _ (not starting with a digit)",
            )
        return EnvRef(target)
    if scheme == "keyring":
        service, slash, username = target.partition("/")
        if not (service and slash and username):
            raise SecretError(
                f"the secret reference {_shown(ref)} needs both a service and a name",
                hint="write keyring:SERVICE/NAME, e.g. keyring:orctl/management",
            )
        return KeyringRef(service, username)
    if not target or target.startswith("//"):
        raise SecretError(
            f"the secret reference {_shown(ref)} does not name a file",
            hint="write file:PATH, e.g. file:~/.config/orctl/key or file:/run/secrets/key (not a file:// URL)",
        )
    return FileRef(target)


def resolve_secret_ref(ref: str | SecretRef, *, base_dir: Path, env: Mapping[str, str] | None = None) -> str:
    """The secret a reference points to. ``env`` defaults to ``os.environ``.

    Raises :class:`SecretError` naming the reference and what is wrong; the value never appears.
    """
    parsed = parse_secret_ref(ref) if isinstance(ref, str) else ref
    if isinstance(parsed, EnvRef):
        value = _from_env(parsed, os.environ if env is None else env)
    elif isinstance(parsed, KeyringRef):
        value = _from_keyring(parsed)
    else:
        value = _from_file(parsed, base_dir)
    value = value.strip()
    if not value:
        raise SecretError(f"the secret reference '{parsed}' leads to an empty value")
    return value


def _from_env(ref: EnvRef, env: Mapping[str, str]) -> str:
    value = env.get(ref.name)
    if value is None:
        raise SecretError(
            f"the secret reference '{ref}' names the environment variable {ref.name}, which is not set",
            hint=f"export {ref.name} before running orctl",
        )
    return value


def _from_keyring(ref: KeyringRef) -> str:
    # Imported lazily: loading keyring can probe D-Bus, which only this reference kind needs.
    import keyring

    backend = keyring.get_keyring()
    try:
        value = backend.get_password(ref.service, ref.username)
    except Exception as exc:
        cls = type(backend)
        raise SecretError(
            f"the secret reference '{ref}' could not be read: the keyring backend "
            f"{cls.__module__}.{cls.__qualname__} failed ({type(exc).__name__})",
            hint="unlock the keyring, or use an env: or file: reference instead",
        ) from None
    if value is None:
        raise SecretError(
            f"the secret reference '{ref}' has no keyring entry (service {ref.service!r}, username {ref.username!r})",
            hint=f"store it with: keyring set {ref.service} {ref.username}",
        )
    return value


def _from_file(ref: FileRef, base_dir: Path) -> str:
    path = Path(ref.path).expanduser()
    path = path if path.is_absolute() else base_dir / path
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SecretError(f"the secret reference '{ref}' names {path}, which does not exist") from None
    except OSError as exc:
        raise SecretError(
            f"the secret reference '{ref}' names {path}, which cannot be read: {exc.strerror or exc}"
        ) from None
    except UnicodeDecodeError:
        raise SecretError(f"the secret reference '{ref}' names {path}, which is not UTF-8 text") from None
    if "\n" in text.strip():
        raise SecretError(
            f"the secret reference '{ref}' names {path}, which holds several lines",
            hint="a secret file must hold only the secret (a trailing newline is fine)",
        )
    return text


# --- literal detection -------------------------------------------------------------------------

_MIN_RANDOM_LENGTH = 20
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9_\-+/=.]+")


def _entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def _class_switches(value: str) -> int:
    """How often the string flips between letters and digits: random tokens flip often, names and
    slugs (`claude-sonnet-20241022`) rarely."""
    kinds = ["d" if c.isdigit() else "a" for c in value if c.isalnum()]
    return sum(1 for a, b in itertools.pairwise(kinds) if a != b)


def looks_like_secret_literal(value: str) -> bool:
    """Whether ``value`` looks like an API key or other token rather than a name or reference.

    Flags OpenRouter (`sk-or-...`) and other `sk-...` keys, and long random-looking strings: at
    least 20 characters, no spaces, mostly letters and digits, and high entropy.
    """
    value = value.strip()
    if value.startswith("sk-or-") or (value.startswith("sk-") and len(value) >= 20 and " " not in value):
        return True
    if len(value) < _MIN_RANDOM_LENGTH or not _TOKEN_CHARS.fullmatch(value):
        return False
    alnum = sum(c.isalnum() for c in value)
    if alnum / len(value) < 0.9:
        return False  # separators every few characters: a slug, a path or a model id
    entropy = _entropy(value)
    if len(value) >= 32 and entropy >= 4.2:
        return True  # long and varied enough to be random even without digits
    has_letter = any(c.isalpha() for c in value)
    has_digit = any(c.isdigit() for c in value)
    return has_letter and has_digit and entropy >= 3.0 and _class_switches(value) >= 4
