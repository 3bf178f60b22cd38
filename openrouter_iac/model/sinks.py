"""Secret sinks: where the secret of a newly created API key is handed to (never printed)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from openrouter_iac.model.base import Spec


class KeyringSinkSpec(Spec):
    """Store new secrets in the OS keyring (macOS Keychain, Secret Service, Windows Credential Locker)."""

    type: Literal["keyring"]
    """Sink type: `keyring`."""
    service: str = Field("orctl", min_length=1)
    """Keyring service name. The username is `<workspace>/<key>`."""
    allow_insecure_backend: bool = False
    """Allow plaintext or null keyring backends (refused by default)."""


class FileSinkSpec(Spec):
    """Write each new secret to its own file (mode 0600, parent directories 0700)."""

    type: Literal["file"]
    """Sink type: `file`."""
    path: str = Field(min_length=1)
    """Path template; `{workspace}` and `{key}` are replaced. Relative paths are relative to the
    current directory. The key's hash is recorded beside it in `<path>.hash`."""


class CommandSinkSpec(Spec):
    """Run a command with the secret on its standard input (never in argv or the environment)."""

    type: Literal["command"]
    """Sink type: `command`."""
    run: list[str] = Field(min_length=1)
    """Program and arguments. `{workspace}`, `{key}`, `{WORKSPACE}` and `{KEY}` (upper-cased,
    dashes as underscores) are replaced in each argument."""
    hash_record: str | None = None
    """Optional path template where orctl records the key hash (not the secret) after the command
    succeeds, so an orphaned key can be recognised later."""


class EnvFileSinkSpec(Spec):
    """Append or replace `NAME=secret` lines in a dotenv file (mode 0600), e.g. for CI jobs."""

    type: Literal["env-file"]
    """Sink type: `env-file`."""
    path: str = Field(min_length=1)
    """Path of the dotenv file."""
    variable: str = Field("OPENROUTER_KEY_{WORKSPACE}_{KEY}", min_length=1)
    """Variable name template. The hash is recorded as `<variable>_HASH`."""


SecretSinkSpec = Annotated[
    KeyringSinkSpec | FileSinkSpec | CommandSinkSpec | EnvFileSinkSpec,
    Field(discriminator="type"),
]
