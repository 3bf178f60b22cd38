"""Ask the API about the calling key (``GET /key``) to confirm it is a management key."""

from __future__ import annotations

from typing import Any

from openrouter_iac.client.error_map import MANAGEMENT_KEYS_URL, malformed_error
from openrouter_iac.client.http import OpenRouterClient
from openrouter_iac.errors import PermissionDeniedError

RESOURCE = "the calling key (GET /key)"


def check_management_key(client: OpenRouterClient) -> dict[str, Any]:
    """Return the key's metadata, or raise PermissionDeniedError if it is not a management key.

    ``is_provisioning_key`` is the deprecated name of the same flag, so either one counts.
    """
    data = client.get("/key", resource=RESOURCE)["data"]
    if not isinstance(data, dict):
        raise malformed_error(resource=RESOURCE, status=200, problem="a `data` field that is not an object")
    if data.get("is_management_key") is True or data.get("is_provisioning_key") is True:
        return data
    raise PermissionDeniedError(
        "the key is valid but it is not a management key (GET /key says is_management_key is false)",
        resource=RESOURCE,
        hint=f"create a management key at {MANAGEMENT_KEYS_URL}",
    )
