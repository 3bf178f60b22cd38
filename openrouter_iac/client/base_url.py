"""Which API base URL to talk to: ``--base-url``, then ``OPENROUTER_BASE_URL``, then the default."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping

import httpx

from openrouter_iac.errors import OrctlError

DEFAULT_BASE_URL = "https://openrouter.ai/api/v1"
BASE_URL_ENV = "OPENROUTER_BASE_URL"


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_base_url(raw: str, *, source: str) -> str:
    """Return ``raw`` without a trailing slash, or raise if it cannot be an API base URL."""
    hint = f"use an http(s) URL with a host, e.g. {DEFAULT_BASE_URL}"
    try:
        url = httpx.URL(raw.strip())
    except httpx.InvalidURL as exc:
        raise OrctlError(f"{source} {raw!r} is not a valid URL ({exc})", hint=hint) from None
    if url.scheme not in ("http", "https") or not url.host:
        raise OrctlError(f"{source} {raw!r} is not an http(s) URL with a host", hint=hint)
    if (url.port is not None and not 0 < url.port < 65536) or any(ch.isspace() for ch in raw.strip()):
        # httpx accepts both (it percent-encodes spaces in the host), and then every retry fails.
        raise OrctlError(f"{source} {raw!r} is not a valid URL (bad port or spaces)", hint=hint)
    if url.userinfo or url.query or url.fragment:
        # Anything here would be echoed in error messages and sent on every request.
        raise OrctlError(f"{source} must not contain credentials, a query or a fragment", hint=hint)
    if url.scheme == "http" and not _is_loopback(url.host):
        # The management key travels in a header: plain http is only acceptable on this machine.
        raise OrctlError(
            f"{source} {raw!r} uses plain http to a host that is not local",
            hint="use https (plain http is allowed only for localhost, e.g. the emulator)",
        )
    return str(url).rstrip("/")


def resolve_base_url(flag: str | None, *, env: Mapping[str, str] = os.environ) -> str:
    """The base URL from the flag, else ``OPENROUTER_BASE_URL``, else :data:`DEFAULT_BASE_URL`."""
    if flag:
        return check_base_url(flag, source="--base-url")
    from_env = env.get(BASE_URL_ENV)
    if from_env:
        return check_base_url(from_env, source=BASE_URL_ENV)
    return DEFAULT_BASE_URL
