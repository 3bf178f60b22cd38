"""The secret-sink interface and the pieces every sink shares (naming, errors, templates)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from openrouter_iac.errors import SinkError, redact


@dataclass(frozen=True)
class KeyRef:
    """Which managed key a secret belongs to."""

    workspace: str
    """Workspace slug."""
    key: str
    """Key name in the configuration."""

    def __str__(self) -> str:
        return f"{self.workspace}/{self.key}"


class SecretSink(Protocol):
    """Where the secret of a newly created key is handed to. No method ever prints the secret."""

    name: str
    """The sink's name in the configuration."""
    readable: bool
    """Whether :meth:`read_secret` and :meth:`recorded_hash` can return what was stored."""

    def check_usable(self, refs: Sequence[KeyRef]) -> None:
        """Called before any API write. Raises :class:`SinkError` saying why and what to do."""
        ...

    def store(self, ref: KeyRef, key_hash: str, secret: str, *, expires_at: str | None = None) -> None:
        """Hand over the secret of ``ref`` and record ``key_hash`` beside it. Raises
        :class:`SinkRefused` when certainly nothing was stored, :class:`SinkError` otherwise."""
        ...

    def verify(self, ref: KeyRef, key_hash: str, secret: str) -> None:
        """Re-read what was stored (where possible) and raise :class:`SinkError` on a mismatch."""
        ...

    def recorded_hash(self, ref: KeyRef) -> str | None:
        """The key hash recorded with the stored secret, or None if nothing is recorded."""
        ...

    def read_secret(self, ref: KeyRef) -> str | None:
        """The stored secret for readable sinks, None when absent or not readable."""
        ...

    def remove(self, ref: KeyRef) -> bool:
        """Delete the secret of ``ref`` and its hash record (nothing there is fine). False when this
        sink cannot delete what it was given (a command): the caller reports it instead."""
        ...

    def location(self, ref: KeyRef) -> str:
        """Where the secret of ``ref`` is kept, for messages (a path, a variable, a secret name)."""
        ...


class SinkRefused(SinkError):
    """The sink refused the secret and certainly stored nothing (so the new key can go at once)."""


# Only these four placeholders exist; anything else in braces is left alone (command arguments
# may legitimately hold braces, e.g. a JSON template).
_PLACEHOLDER = re.compile(r"\{(workspace|key|WORKSPACE|KEY)\}")
_ANY_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
PLACEHOLDERS = "{workspace}, {key}, {WORKSPACE} or {KEY}"


def env_style(value: str) -> str:
    """`my-key` -> `MY_KEY`: the form used by the upper-case placeholders."""
    return value.upper().replace("-", "_")


def expand(template: str, ref: KeyRef) -> str:
    """Replace the four placeholders in ``template`` with the parts of ``ref``."""
    values = {
        "workspace": ref.workspace,
        "key": ref.key,
        "WORKSPACE": env_style(ref.workspace),
        "KEY": env_style(ref.key),
    }
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def unknown_placeholders(template: str) -> list[str]:
    """Brace groups in ``template`` that are not one of the four placeholders (likely typos)."""
    return [m.group(0) for m in _ANY_PLACEHOLDER.finditer(template) if not _PLACEHOLDER.fullmatch(m.group(0))]


class BaseSink:
    """Shared naming and error formatting. Subclasses set ``kind`` and ``readable``."""

    kind = "sink"
    readable: bool = False

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"

    def error(
        self,
        refs: KeyRef | Sequence[KeyRef] | None,
        reason: str,
        *,
        hint: str | None = None,
        secret: str | None = None,
        refused: bool = False,
    ) -> SinkError:
        """A :class:`SinkError` naming this sink, the key(s) and the reason, with ``secret`` masked
        (a :class:`SinkRefused` when ``refused``: nothing was stored)."""
        message = f"secret sink {self.name!r} ({self.kind})"
        if isinstance(refs, KeyRef) or refs:
            message += f", {describe_refs(refs)}"
        message += f": {reason}"
        cls = SinkRefused if refused else SinkError
        return cls(redact(message, secret), redact(hint, secret) if hint else None)

    def require_secret(self, ref: KeyRef, secret: str) -> None:
        """Refuse secrets no sink can hold faithfully (files and dotenv lines are line-based)."""
        if not secret:
            raise self.error(ref, "the secret to store is empty", refused=True)
        if any(c in secret for c in "\r\n\0"):
            raise self.error(
                ref, "the secret contains a line break or NUL and cannot be stored", secret=secret, refused=True
            )

    def resolve_path(self, template: str, ref: KeyRef, base_dir: Path) -> Path:
        """Expand a path template for ``ref``; relative results are taken from ``base_dir``."""
        unknown = unknown_placeholders(template)
        if unknown:
            raise self.error(
                ref,
                f"the path template {template!r} has unknown placeholder(s) {', '.join(unknown)}",
                hint=f"use only {PLACEHOLDERS}",
            )
        used = {m.group(1).lower() for m in _PLACEHOLDER.finditer(template)}
        for part in [getattr(ref, field) for field in sorted(used)]:
            # A name like `../x` must not steer the file outside the configured directory.
            if part in ("", ".", "..") or any(c in part for c in ("/", "\\", "\0")):
                raise self.error(ref, f"the name {part!r} cannot be used in a file path")
        path = Path(expand(template, ref)).expanduser()
        return path if path.is_absolute() else base_dir / path


def describe_refs(refs: KeyRef | Sequence[KeyRef]) -> str:
    """`key 'ws/a'` or `keys 'ws/a', 'ws/b' and 3 more`."""
    if isinstance(refs, KeyRef):
        return f"key '{refs}'"
    shown = [f"'{r}'" for r in refs[:3]]
    more = len(refs) - len(shown)
    text = ", ".join(shown) + (f" and {more} more" if more else "")
    return f"key{'s' if len(refs) != 1 else ''} {text}"


def os_reason(exc: OSError) -> str:
    """A short reason for an OS error, naming the file involved."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    return f"{reason}: {exc.filename}" if exc.filename else reason
