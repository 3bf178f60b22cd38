"""Traits of observability destination config fields: which values are write-only, which the
server fills in, and the form a plan compares (one place, used by the reader, planner and writer)."""

from __future__ import annotations

from typing import Any

from openrouter_iac.model.enums import OBSERVABILITY_SECRET_CONFIG_KEYS

HEADERS = "headers"
"""Webhook-style headers: the API masks every value, so only the names can be compared."""

WRITE_ONLY_VALUE = "(write-only)"
"""What a plan shows for a header value: never compared, sent on create and rotation only."""

MASKED_CONFIG_KEYS: dict[str, frozenset[str]] = {
    "arize": frozenset({"spaceKey"}),
    "langfuse": frozenset({"publicKey"}),
    "s3": frozenset({"accessKeyId", "sessionToken"}),
}
"""Config keys the API returns masked although they are not secrets (a literal is allowed in the
config): write-only like secrets, beyond :data:`OBSERVABILITY_SECRET_CONFIG_KEYS`."""

SERVER_DEFAULTS: dict[str, dict[str, str]] = {
    "arize": {"baseUrl": "https://otlp.arize.com"},
    "braintrust": {"baseUrl": "https://api.braintrust.dev"},
    "clickhouse": {"table": "OPENROUTER_TRACES"},
    "datadog": {"url": "https://api.us5.datadoghq.com"},
    "grafana": {"baseUrl": "https://otlp-gateway-prod-us-west-0.grafana.net"},
    "langfuse": {"baseUrl": "https://us.cloud.langfuse.com"},
    "langsmith": {"endpoint": "https://api.smith.langchain.com", "project": "main"},
    "newrelic": {"region": "us"},
    "posthog": {"endpoint": "https://us.i.posthog.com"},
    "ramp": {"baseUrl": "https://api.ramp.com/developer/v1/ai-usage/openrouter"},
    "s3": {"prefix": "openrouter-traces", "pathTemplate": "{prefix}/{date}"},
    "snowflake": {
        "database": "SNOWFLAKE_LEARNING_DB",
        "schema": "PUBLIC",
        "table": "OPENROUTER_TRACES",
        "warehouse": "COMPUTE_WH",
    },
    "weave": {"baseUrl": "https://trace.wandb.ai"},
    "webhook": {"method": "POST"},
}
"""Config keys the server fills in when a create leaves them out: absent in a config means not managed."""


def write_only_keys(kind: str) -> frozenset[str]:
    """Config keys whose values are never read back: sent on create and rotation only."""
    return OBSERVABILITY_SECRET_CONFIG_KEYS | MASKED_CONFIG_KEYS.get(kind, frozenset())


def is_write_only(kind: str, key: str) -> bool:
    return key == HEADERS or key in write_only_keys(kind)


def comparable_config(kind: str, config: dict[str, Any], declared: dict[str, Any] | None = None) -> dict[str, Any]:
    """The part of a config a plan compares: write-only values left out, header values replaced by a
    marker (names compared), and, when `declared` is given, server defaults it leaves out dropped."""
    hidden = write_only_keys(kind)
    defaults = SERVER_DEFAULTS.get(kind, {})
    out: dict[str, Any] = {}
    for key, value in config.items():
        if key in hidden:
            continue
        if declared is not None and key not in declared and key in defaults:
            continue  # absent means not managed: the server's default is not a difference
        if key == HEADERS and isinstance(value, dict):
            value = {name: WRITE_ONLY_VALUE for name in value}
        out[key] = value
    return out


REFERENCE_PREFIXES = ("env:", "keyring:", "file:")


def is_reference(value: object) -> bool:
    """Whether a header value is a secret reference (resolved before sending, never sent as text)."""
    return isinstance(value, str) and value.startswith(REFERENCE_PREFIXES)


def sends_headers_again(field: str, before: object, after: object) -> bool:
    """A change of header names sends the headers (with their values) again."""
    if field.startswith(f"config.{HEADERS}"):
        return True
    if field != "config":
        return False
    headers = [side.get(HEADERS) if isinstance(side, dict) else None for side in (before, after)]
    return headers[0] != headers[1]
