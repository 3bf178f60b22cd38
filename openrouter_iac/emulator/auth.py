"""Bearer-token authentication: management keys and inference keys, as upstream tells them apart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from openrouter_iac.emulator.env import sha256_hex
from openrouter_iac.emulator.errors import ApiError
from openrouter_iac.emulator.state import Record, State


class Access(Enum):
    PUBLIC = "public"  # no key needed (model and provider catalogues)
    ANY_KEY = "any_key"  # management or inference key (GET /key, presets)
    MANAGEMENT = "management"


@dataclass(frozen=True)
class Principal:
    is_management: bool
    record: dict[str, Any]

    @property
    def user_id(self) -> str | None:
        value = self.record.get("creator_user_id")
        return str(value) if value else None

    @property
    def workspace_id(self) -> str | None:
        """The workspace an inference key belongs to (management keys span all workspaces)."""
        if self.is_management:
            return None
        return str(self.record["workspace_id"])


MISSING = "Missing Authentication header"
UNKNOWN = "User not found."
NOT_MANAGEMENT = "Only management keys can perform this operation"
READ_ONLY = "This management key is read-only: it cannot perform this operation (use a read-write management key)"
READ_METHODS = frozenset({"GET", "HEAD"})


def bearer_token(authorization: str | None) -> str | None:
    if authorization is None:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def authenticate(state: State, authorization: str | None, now: datetime) -> Principal:
    """Resolve the caller or raise 401; never echoes the presented token."""
    if authorization is None or not authorization.strip():
        raise ApiError(401, MISSING)
    token = bearer_token(authorization)
    if token is None:
        raise ApiError(401, MISSING)
    digest = sha256_hex(token)
    management = state.management_keys.get(digest)
    if management is not None:
        return Principal(True, management)
    key = state.keys.get(digest)
    if key is None or key["disabled"]:
        raise ApiError(401, UNKNOWN)
    expires_at = key.get("expires_at")
    if expires_at and datetime.fromisoformat(expires_at.replace("Z", "+00:00")) <= now:
        raise ApiError(401, "API key has expired")
    return Principal(False, key)


def require(principal: Principal, access: Access, method: str = "GET") -> None:
    if access is Access.MANAGEMENT and not principal.is_management:
        raise ApiError(403, NOT_MANAGEMENT)
    # A read-only management key (the API reference speaks of "a read-write management key" for
    # writes) reads everything and writes nothing.
    if principal.is_management and principal.record.get("read_only") and method not in READ_METHODS:
        raise ApiError(403, READ_ONLY)


def add_management_key(state: State, secret: str, *, name: str, now: str, read_only: bool = False) -> Record:
    """Another management key of the account; ``read_only`` keys get 403 on every write."""
    record = state.add_management_key(secret, name, now)
    if read_only:
        record["read_only"] = True
    return record
