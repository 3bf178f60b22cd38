"""The one error tree of orctl.

Every error the CLI can show derives from :class:`OrctlError`. Messages are written for the person
at the terminal: they name the resource involved and say what to do next. No message ever holds a
secret value (the management key or a newly minted key); code that formats messages from API
bodies passes them through :func:`redact` first.

    OrctlError
    ├── ConfigError            the YAML is wrong (carries every problem found, with positions)
    ├── ApiError               the OpenRouter API refused or failed a request
    │   ├── ApiUnreachableError    connection refused, DNS failure, timeout
    │   ├── AuthenticationError    401: the management key was rejected
    │   ├── PermissionDeniedError  403: not a management key, or not allowed
    │   ├── NotFoundError          404
    │   ├── ConflictError          409
    │   ├── ApiRequestError        other 4xx (the API's reason is kept)
    │   ├── RateLimitedError       429 after every retry
    │   ├── ServerError            5xx after every retry
    │   ├── MalformedResponseError the body is not what the API documents
    │   └── AmbiguousWriteError    a non-idempotent write failed after it may have been applied
    ├── PlanError              the plan cannot be built or used
    │   ├── AmbiguityError         two live objects answer to one managed name
    │   ├── ServerRuleError        unknown model/provider slugs and other server-side rules
    │   ├── StalePlanError         the account changed since the saved plan was made
    │   └── SafetyError            the plan needs --allow-destroy / --allow-rotate
    ├── ApplyError             a change failed part-way; carries what was done and not done
    └── SecretError            reading the management key or storing a new secret failed
        ├── CredentialsError       no management key could be found
        └── SinkError              a secret sink is unusable or a store failed
"""

from __future__ import annotations

import re

# Key-shaped strings: OpenRouter inference/management keys and long opaque tokens.
_KEY_PATTERN = re.compile(r"sk-or-[A-Za-z0-9_-]+(?:-[A-Za-z0-9_-]+)*")
_BEARER_PATTERN = re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{8,}")


def redact(text: str, *secrets: str | None) -> str:
    """Return ``text`` with the given secret values and any key-shaped string masked."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "(sensitive)")
    text = _KEY_PATTERN.sub("sk-or-(sensitive)", text)
    return _BEARER_PATTERN.sub(r"\1(sensitive)", text)


ISSUES_URL = "https://github.com/openrouter-iac/orctl/issues"
"""Where an internal error (a bug, not a user mistake) should be reported."""


def internal_error_message(exc: BaseException) -> str:
    """`internal error: Type: message, please report it at ...`: one line, redacted. An error that
    is not an :class:`OrctlError` is a bug in orctl; the line says so instead of a traceback."""
    text = " ".join(str(exc).split())
    what = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return redact(f"internal error: {what}, please report it at {ISSUES_URL}")


class OrctlError(Exception):
    """Root of every error orctl raises on purpose. ``hint`` says what to do next."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        self.message = redact(message)
        self.hint = redact(hint) if hint else None
        super().__init__(self.message)

    def __str__(self) -> str:
        return f"{self.message}\n  hint: {self.hint}" if self.hint else self.message


class ConfigError(OrctlError):
    """The configuration is invalid. ``problems`` holds every problem found, already formatted."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        count = len(problems)
        header = f"the configuration has {count} problem{'s' if count != 1 else ''}:"
        super().__init__(header + "\n" + "\n".join(problems))


class ApiError(OrctlError):
    """An API request failed. ``resource`` names what was being read or written."""

    def __init__(
        self,
        message: str,
        *,
        resource: str,
        status: int | None = None,
        hint: str | None = None,
    ) -> None:
        self.resource = resource
        self.status = status
        super().__init__(message, hint)


class ApiUnreachableError(ApiError):
    pass


class AuthenticationError(ApiError):
    pass


class PermissionDeniedError(ApiError):
    pass


class NotFoundError(ApiError):
    pass


class ConflictError(ApiError):
    pass


class ApiRequestError(ApiError):
    pass


class RateLimitedError(ApiError):
    pass


class ServerError(ApiError):
    pass


class MalformedResponseError(ApiError):
    pass


class AmbiguousWriteError(ApiError):
    """A create (non-idempotent POST) got a 5xx, a timeout or a dropped connection after it was sent.

    The server may or may not have applied it, so it is never retried blindly: the caller re-lists
    and matches by name before trying again.
    """


class PlanError(OrctlError):
    pass


class AmbiguityError(PlanError):
    pass


class ServerRuleError(PlanError):
    pass


class StalePlanError(PlanError):
    pass


class SafetyError(PlanError):
    pass


class ApplyError(OrctlError):
    pass


class SecretError(OrctlError):
    pass


class CredentialsError(SecretError):
    pass


class SinkError(SecretError):
    pass
