"""Turn a failed HTTP exchange into one of orctl's API errors.

Each message is one line naming the resource, with a hint saying what to do. The API's own reason
is kept, but only after :func:`openrouter_iac.errors.redact` has masked the management key and
anything key-shaped, and it never includes request headers or a success body (a ``POST /keys``
body holds a new secret).
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from openrouter_iac.errors import (
    AmbiguousWriteError,
    ApiError,
    ApiRequestError,
    ApiUnreachableError,
    AuthenticationError,
    ConflictError,
    MalformedResponseError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    redact,
)

MANAGEMENT_KEYS_URL = "https://openrouter.ai/settings/management-keys"
_MAX_REASON = 300

# Neutral: the CLI session, which knows where the key came from, names that source instead.
_AUTH_HINT = (
    "check the management key (--management-key-file, OPENROUTER_MANAGEMENT_KEY or the keyring) / `orctl auth status`"
)
_NOT_MANAGEMENT_HINT = (
    f"this is not a management key: create one at {MANAGEMENT_KEYS_URL} "
    "and provide it via OPENROUTER_MANAGEMENT_KEY or `orctl auth login`"
)
_RELIST_HINT = "run `orctl plan` again: it re-reads the account and matches objects by name"
_MALFORMED_HINT = (
    "check that --base-url points at the OpenRouter API (…/api/v1); if it does, the API has changed: please report it"
)


def api_reason(response: httpx.Response, *secrets: str | None) -> str | None:
    """The API's own one-line explanation from an error body, redacted, or None."""
    text = ""
    try:
        body: Any = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        body = None
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            text = error["message"]
        elif isinstance(error, str):
            text = error
    elif body is None and "html" not in response.headers.get("content-type", ""):
        # Proxies sometimes answer in plain text; HTML error pages are noise.
        text = response.text
    text = " ".join(text.split())
    if not text:
        return None
    if len(text) > _MAX_REASON:
        text = text[: _MAX_REASON - 1] + "…"
    return redact(text, *secrets)


def _read_route(response: httpx.Response) -> str | None:
    """`GET /path` when the refused request was a read, else None."""
    try:
        request = response.request
    except RuntimeError:
        return None
    if request.method not in ("GET", "HEAD"):
        return None
    return f"{request.method} {request.url.path}"


def _status_part(status: int, reason: str | None) -> str:
    return f"HTTP {status}: {reason}" if reason else f"HTTP {status}"


def error_for_response(
    response: httpx.Response, *, resource: str, attempts: int, secret: str | None = None
) -> ApiError:
    """The error for a final (non-retried or retries exhausted) 4xx/5xx response."""
    status = response.status_code
    reason = api_reason(response, secret)
    detail = _status_part(status, reason)
    tries = f", {attempts} attempts" if attempts > 1 else ""
    if status == 401:
        return AuthenticationError(
            f"{resource}: the management key was rejected ({detail})",
            resource=resource,
            status=status,
            hint=_AUTH_HINT,
        )
    if status == 403 and reason and "only management keys" in reason.lower():
        return PermissionDeniedError(
            f"{resource}: the key in use is not a management key ({detail})",
            resource=resource,
            status=status,
            hint=_NOT_MANAGEMENT_HINT,
        )
    read = _read_route(response)
    if status == 403 and read is not None:  # a refused read is never "missing": name the route
        return PermissionDeniedError(
            # The likely cause is in the message itself: CI logs often keep only the error line.
            f"{resource}: {read} was refused ({detail}): likely a key without the scope this route needs "
            "(a read-only or workspace-limited management key)",
            resource=resource,
            status=status,
            hint="use a management key with access to this route",
        )
    if status == 403:
        return PermissionDeniedError(
            f"{resource}: permission denied ({detail})",
            resource=resource,
            status=status,
            hint="the account behind the management key may not have this feature or role "
            "(some routes need an organization or an Enterprise plan)",
        )
    if status == 404:
        return NotFoundError(
            f"{resource} was not found ({detail})",
            resource=resource,
            status=status,
            hint="it may have been deleted outside orctl; " + _RELIST_HINT,
        )
    if status == 409:
        return ConflictError(
            f"{resource}: the API reported a conflict ({detail})",
            resource=resource,
            status=status,
            hint="the account changed meanwhile or the value clashes with another object; " + _RELIST_HINT,
        )
    if status == 429:
        return RateLimitedError(
            f"{resource}: rate limited by OpenRouter ({detail}{tries})",
            resource=resource,
            status=status,
            hint="wait a minute and try again, or lower --parallelism",
        )
    if status >= 500 or status == 408:
        return ServerError(
            f"{resource}: OpenRouter failed to answer ({detail}{tries})",
            resource=resource,
            status=status,
            hint="this is usually temporary: try again in a few minutes (https://status.openrouter.ai)",
        )
    hint = (
        "the account is out of credits, or the feature needs a paid plan"
        if status == 402
        else "the API refused the request as sent: fix the value it names in the configuration"
    )
    return ApiRequestError(
        f"{resource}: the API refused the request ({detail})", resource=resource, status=status, hint=hint
    )


def describe_transport_error(exc: httpx.TransportError, secret: str | None = None) -> str:
    """A short reason for a transport failure, without the request (and so without headers)."""
    if isinstance(exc, httpx.ConnectTimeout):
        reason = "the connection timed out"
    elif isinstance(exc, httpx.ReadTimeout):
        reason = "no answer before the read timeout"
    elif isinstance(exc, httpx.TimeoutException):
        reason = "the request timed out"
    elif isinstance(exc, httpx.ConnectError):
        reason = f"the connection failed ({exc})" if str(exc) else "the connection failed"
    elif isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        reason = "the connection was dropped"
    else:
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return redact(" ".join(reason.split()), secret)


def unreachable_error(
    exc: httpx.TransportError, *, base_url: str, resource: str, attempts: int, secret: str | None = None
) -> ApiUnreachableError:
    tries = f" after {attempts} attempts" if attempts > 1 else ""
    return ApiUnreachableError(
        f"cannot reach {base_url} ({resource}): {describe_transport_error(exc, secret)}{tries}",
        resource=resource,
        hint="check --base-url / OPENROUTER_BASE_URL and the network",
    )


def ambiguous_write_error(*, resource: str, what_happened: str, status: int | None) -> AmbiguousWriteError:
    return AmbiguousWriteError(
        f"{resource}: outcome unknown: {what_happened} after the request was sent, "
        "so it may or may not have been applied (not retried, to avoid a duplicate)",
        resource=resource,
        status=status,
        hint=_RELIST_HINT + " before anything is created again",
    )


def malformed_error(*, resource: str, status: int, problem: str) -> MalformedResponseError:
    return MalformedResponseError(
        f"{resource}: the API answered HTTP {status} with {problem}",
        resource=resource,
        status=status,
        hint=_MALFORMED_HINT,
    )


def undecodable_error(*, resource: str) -> MalformedResponseError:
    return MalformedResponseError(
        f"{resource}: the API answered with a compressed body that cannot be decoded",
        resource=resource,
        hint=_MALFORMED_HINT,
    )
