"""What a handler gets: the state, the caller, path and query parameters, and the body."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from openrouter_iac.emulator.auth import Principal
from openrouter_iac.emulator.catalogue import Catalogue
from openrouter_iac.emulator.env import Env
from openrouter_iac.emulator.errors import ApiError, not_found
from openrouter_iac.emulator.query import Query
from openrouter_iac.emulator.state import Record, State


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


@dataclass
class Ctx:
    state: State
    catalogue: Catalogue
    env: Env
    principal: Principal | None
    params: dict[str, str]
    query: Query
    raw_body: bytes

    # -- caller -------------------------------------------------------------------------------

    @property
    def caller(self) -> Principal:
        assert self.principal is not None, "route declared public but needs a caller"
        return self.principal

    @property
    def acting_user_id(self) -> str:
        return self.caller.user_id or self.state.owner_user_id

    # -- body ---------------------------------------------------------------------------------

    def json_body(self) -> Any:
        if not self.raw_body.strip():
            raise ApiError(400, "Invalid request body: expected a JSON object, got an empty body")
        try:
            return json.loads(self.raw_body, parse_constant=_reject_constant)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ApiError(400, f"Invalid request body: not valid JSON ({exc})") from None

    # -- lookups shared by several resources --------------------------------------------------

    def workspace(self, ref: str) -> Record:
        """A workspace by UUID or slug (the ``{id}`` of workspace paths accepts both)."""
        found = self.find_workspace(ref)
        if found is None:
            raise not_found("Workspace")
        return found

    def find_workspace(self, ref: str) -> Record | None:
        workspaces = self.state.workspaces
        if ref in workspaces:
            return workspaces[ref]
        lowered = ref.lower()
        if lowered in workspaces:
            return workspaces[lowered]
        return next((w for w in workspaces.values() if w["slug"] == ref), None)

    def target_workspace_id(self, requested: str | None, *, where: str = "workspace_id") -> str:
        """The workspace a list/create acts on: the one given, else the default workspace."""
        if requested is None:
            default = self.state.default_workspace_id
            if default not in self.state.workspaces:
                raise ApiError(400, f"The default workspace has been deleted; pass {where} explicitly")
            return default
        if requested not in self.state.workspaces:
            raise ApiError(400, f"Workspace {requested} does not exist", metadata={"field": where})
        return requested
