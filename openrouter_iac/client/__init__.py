"""The OpenRouter management API client: auth, retries for idempotent calls, paging, error mapping.

Only httpx and :mod:`openrouter_iac.errors` are used here; nothing above this layer is imported.
"""

from openrouter_iac.client.base_url import BASE_URL_ENV, DEFAULT_BASE_URL, resolve_base_url
from openrouter_iac.client.credentials import (
    KEY_ENV,
    KEYRING_SERVICE,
    KEYRING_USERNAME,
    ManagementKey,
    backend_is_secure,
    current_backend,
    delete_from_keyring,
    prompt_for_key,
    read_key_file,
    read_keyring,
    resolve_management_key,
    store_in_keyring,
)
from openrouter_iac.client.gate import RequestGate
from openrouter_iac.client.http import DEFAULT_USER_AGENT, OFFSET_ONLY_PAGE_SIZES, OpenRouterClient, Params
from openrouter_iac.client.identity import check_management_key
from openrouter_iac.client.retry import RETRYABLE_STATUSES, RetryPolicy, parse_retry_after
from openrouter_iac.client.stats import RequestStats

__all__ = [
    "BASE_URL_ENV",
    "DEFAULT_BASE_URL",
    "DEFAULT_USER_AGENT",
    "KEYRING_SERVICE",
    "KEYRING_USERNAME",
    "KEY_ENV",
    "OFFSET_ONLY_PAGE_SIZES",
    "RETRYABLE_STATUSES",
    "ManagementKey",
    "OpenRouterClient",
    "Params",
    "RequestGate",
    "RequestStats",
    "RetryPolicy",
    "backend_is_secure",
    "check_management_key",
    "current_backend",
    "delete_from_keyring",
    "parse_retry_after",
    "prompt_for_key",
    "read_key_file",
    "read_keyring",
    "resolve_base_url",
    "resolve_management_key",
    "store_in_keyring",
]
