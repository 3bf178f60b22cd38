"""Secret sinks: where the secret of a newly created API key is handed to (never printed)."""

# No `from __future__ import annotations` in the model modules: pydantic then reads the annotations
# as objects instead of compiling each string (part of `orctl validate`'s start-up budget).

from typing import Annotated, Literal

from pydantic import Field, field_validator

from openrouter_iac.model.base import Spec, empty_list


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
    configuration's directory. The key's hash is recorded beside it in `<path>.hash`."""


class CommandSinkSpec(Spec):
    """Run a command (no shell, minimal environment) with the secret on its standard input, never in
    argv or the environment. Exit 0: stored; exit 10: refused, nothing stored; anything else: unknown."""

    type: Literal["command"]
    """Sink type: `command`."""
    run: list[str] = Field(min_length=1)
    """Program and arguments. `{workspace}`, `{key}`, `{WORKSPACE}` and `{KEY}` (upper-cased,
    dashes as underscores) are replaced in each argument."""
    input: Literal["envelope", "secret"] = "envelope"
    """What the command reads on stdin: `envelope`, one JSON object (`version` 1, `operation_id`,
    `workspace`, `key`, `key_hash`, `secret`, `expires_at`), or `secret`, the bare secret (for tools
    such as `gh secret set` that read the value from stdin)."""
    pass_env: list[str] = Field(default_factory=empty_list)
    """Environment variables passed on to the command besides PATH, HOME, the locale and TMPDIR
    (e.g. `VAULT_ADDR`, `GH_TOKEN`). A value holding an OpenRouter key is never passed."""
    hash_record: str | None = None
    """Optional path template where orctl records the key hash (not the secret) after the command
    succeeds, so an orphaned key can be recognised later."""


class EnvFileSinkSpec(Spec):
    """Append or replace `NAME=secret` lines in a dotenv file (mode 0600), e.g. for CI jobs."""

    type: Literal["env-file"]
    """Sink type: `env-file`."""
    path: str = Field(min_length=1)
    """Path of the dotenv file (relative paths start from the configuration's directory)."""
    variable: str = Field("OPENROUTER_KEY_{WORKSPACE}_{KEY}", min_length=1)
    """Variable name template. The hash is recorded as `<variable>_HASH`."""


class AwsSecretsManagerSinkSpec(Spec):
    """Store each new secret in AWS Secrets Manager through boto3 (`pip install 'openrouter-iac[aws]'`).
    Credentials and region come from the usual AWS sources (environment, profile, instance role)."""

    type: Literal["aws-secrets-manager"]
    """Sink type: `aws-secrets-manager`."""
    secret_name: str = Field("orctl/{workspace}/{key}", min_length=1)
    """Secret name template. The secret string is the bare key secret; the key hash is the tag
    `orctl:key-hash`."""
    region: str | None = None
    """AWS region (default: from the environment or profile)."""
    profile: str | None = None
    """Named AWS profile (default: the environment's)."""
    endpoint_url: str | None = None
    """Another endpoint, e.g. a VPC endpoint or a local stand-in."""
    kms_key_id: str | None = None
    """KMS key for new secrets (default: the account's `aws/secretsmanager` key)."""
    recovery_window_days: int = Field(7, ge=0, le=30)
    """When the secret of a deleted key is removed: days it stays recoverable (7 to 30), or 0 to
    delete it at once."""

    @field_validator("recovery_window_days")
    @classmethod
    def _window(cls, value: int) -> int:
        if 0 < value < 7:
            raise ValueError("recovery_window_days must be 0 (delete at once) or between 7 and 30")
        return value


SecretSinkSpec = Annotated[
    KeyringSinkSpec | FileSinkSpec | CommandSinkSpec | EnvFileSinkSpec | AwsSecretsManagerSinkSpec,
    Field(discriminator="type"),
]
