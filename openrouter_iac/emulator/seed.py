"""Seed files: describe an existing account in JSON and load it into a fresh emulator.

A seed is applied through the emulator's own API (in-process), so it obeys every rule the API
enforces; a seed that breaks one fails with the API's message and the seed location. See
README.md for the format. Objects are referred to by name (keys, guardrails) or by e-mail or
user id (members), never by generated ids.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from openrouter_iac.emulator.app import Emulator
from openrouter_iac.emulator.auth import add_management_key

SEED_FORMAT = "orctl-emulator-seed/1"

_WORKSPACE_KEYS = {
    "slug", "name", "description", "default_text_model", "default_image_model", "default_provider_sort",
    "is_observability_io_logging_enabled", "is_observability_broadcast_enabled",
    "is_data_discount_logging_enabled", "io_logging_sampling_rate", "io_logging_api_key_ids",
    "members", "budgets", "include_byok_in_budgets", "default_guardrail", "guardrails", "keys", "byok",
    "observability", "presets",
}  # fmt: skip
_TOP_KEYS = {
    "format", "organization", "members", "management_key", "read_only_management_key", "credits", "workspaces",
    "global_byok",
}  # fmt: skip
_PRESET_ENDPOINTS = {"chat": "chat/completions", "messages": "messages", "responses": "responses"}


class SeedError(ValueError):
    """The seed is malformed or the API refused part of it; the message says where."""


def load_seed_file(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SeedError(f"cannot read seed file {path}: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise SeedError(f"seed file {path} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise SeedError(f"seed file {path} must hold a JSON object")
    return data


def emulator_from_seed(seed: Mapping[str, Any], **emulator_kwargs: Any) -> Emulator:
    """A fresh emulator with ``seed`` applied."""
    secret = seed.get("management_key")
    if secret is not None and (not isinstance(secret, str) or not secret.startswith("sk-or-")):
        raise SeedError("management_key must be a string starting with 'sk-or-'")
    emulator = Emulator(**emulator_kwargs)
    read_only = seed.get("read_only_management_key")
    if read_only is not None and (not isinstance(read_only, str) or not read_only.startswith("sk-or-")):
        raise SeedError("read_only_management_key must be a string starting with 'sk-or-'")
    with emulator.locked() as state:
        if secret is not None:
            state.management_keys.clear()
            state.add_management_key(secret, "orctl emulator", emulator.env.now_iso())
        if read_only is not None:  # after the read-write key, which stays the first one
            add_management_key(state, read_only, name="read-only", now=emulator.env.now_iso(), read_only=True)
    apply_seed(emulator, seed)
    return emulator


def apply_seed(emulator: Emulator, seed: Mapping[str, Any]) -> None:
    _Seeder(emulator).apply(seed)


class _Seeder:
    def __init__(self, emulator: Emulator) -> None:
        self.em = emulator

    # -- helpers ----------------------------------------------------------------------------------

    def call(self, where: str, method: str, path: str, body: Any = None, *, key: str | None = None) -> Any:
        status, payload = self.em.call(method, path, body, key=key)
        if status >= 400:
            message = payload["error"]["message"] if isinstance(payload, dict) and "error" in payload else payload
            raise SeedError(f"{where}: the API refused {method} {path} ({status}): {message}")
        return payload

    @staticmethod
    def _only(where: str, data: Any, allowed: set[str]) -> Mapping[str, Any]:
        if not isinstance(data, Mapping):
            raise SeedError(f"{where} must be an object")
        unknown = set(data) - allowed
        if unknown:
            raise SeedError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        return data

    @staticmethod
    def _object(where: str, data: Any) -> dict[str, Any]:
        if not isinstance(data, Mapping):
            raise SeedError(f"{where} must be an object")
        return dict(data)

    @staticmethod
    def _list(where: str, data: Any) -> list[Any]:
        if data is None:
            return []
        if not isinstance(data, list):
            raise SeedError(f"{where} must be a list")
        return data

    def user_id(self, where: str, ref: str) -> str:
        with self.em.locked() as state:
            if ref in state.members:
                return ref
            found = [m["id"] for m in state.members.values() if m["email"].lower() == str(ref).lower()]
        if not found:
            raise SeedError(f"{where}: no organization member with id or e-mail {ref!r}")
        return str(found[0])

    # -- top level --------------------------------------------------------------------------------

    def apply(self, seed: Mapping[str, Any]) -> None:
        self._only("seed", seed, _TOP_KEYS)
        if seed.get("format", SEED_FORMAT) != SEED_FORMAT:
            raise SeedError(f"seed format must be {SEED_FORMAT!r}, got {seed.get('format')!r}")
        self.organization(seed.get("organization"))
        if "members" in seed:
            self.members(self._list("members", seed["members"]))
        if "credits" in seed:
            credits = self._only("credits", seed["credits"], {"total_credits", "total_usage"})
            with self.em.locked() as state:
                for name, value in credits.items():
                    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                        raise SeedError(f"credits.{name} must be a number >= 0")
                    state.credits[name] = float(value)
        for index, workspace in enumerate(self._list("workspaces", seed.get("workspaces"))):
            self.workspace(f"workspaces[{index}]", workspace)
        for index, item in enumerate(self._list("global_byok", seed.get("global_byok"))):
            self.global_byok(f"global_byok[{index}]", item)

    def global_byok(self, where: str, raw: Any) -> None:
        """A credential with workspace_id null (usable by every workspace): the API cannot create
        one, so it is created in the default workspace and then made global."""
        body = self._object(where, raw)
        if "allowed_api_keys" in body:
            raise SeedError(f"{where}: a global credential names no keys (allowed_api_keys is per workspace)")
        created = self.call(where, "POST", "/byok", body)
        with self.em.locked() as state:
            state.byok[created["data"]["id"]]["workspace_id"] = None

    def organization(self, data: Any) -> None:
        if data is None:
            return
        org = self._only("organization", data, {"name", "is_filtered_model_catalog_enabled"})
        if "is_filtered_model_catalog_enabled" in org:
            self.call("organization", "PATCH", "/organization/settings", {
                "is_filtered_model_catalog_enabled": org["is_filtered_model_catalog_enabled"]
            })  # fmt: skip
        if "name" in org:
            with self.em.locked() as state:
                state.organization["name"] = str(org["name"])

    def members(self, members: list[Any]) -> None:
        """Replace the invented members (the first listed becomes the owner)."""
        if not members:
            raise SeedError("members: list at least one member (the first is the organization owner)")
        records: dict[str, dict[str, Any]] = {}
        for index, raw in enumerate(members):
            where = f"members[{index}]"
            member = self._only(where, raw, {"id", "email", "first_name", "last_name", "role"})
            if not isinstance(member.get("email"), str) or "@" not in member["email"]:
                raise SeedError(f"{where}.email must be an e-mail address")
            role = member.get("role", "org:member")
            if role not in ("org:admin", "org:member"):
                raise SeedError(f"{where}.role must be org:admin or org:member")
            user_id = member.get("id") or self.em.env.new_user_id()
            if not str(user_id).startswith("user_"):
                raise SeedError(f"{where}.id must look like user_...")
            records[user_id] = {
                "id": user_id,
                "email": member["email"],
                "first_name": member.get("first_name"),
                "last_name": member.get("last_name"),
                "role": role,
            }
        with self.em.locked() as state:
            owner = next(iter(records))
            state.members = records
            state.organization["owner_user_id"] = owner
            for key in state.management_keys.values():
                key["creator_user_id"] = owner
            for workspace in state.workspaces.values():
                workspace["created_by"] = owner

    # -- workspaces -------------------------------------------------------------------------------

    def workspace(self, where: str, raw: Any) -> None:
        ws = self._only(where, raw, _WORKSPACE_KEYS)
        fields = {k: ws[k] for k in ws if k not in {
            "members", "budgets", "include_byok_in_budgets", "default_guardrail", "guardrails", "keys", "byok",
            "observability", "presets",
        }}  # fmt: skip
        if ws.get("slug") == "default":
            with self.em.locked() as state:
                workspace_id = state.default_workspace_id
            fields.pop("slug")
            if fields:
                self.call(where, "PATCH", f"/workspaces/{workspace_id}", fields)
        else:
            workspace_id = self.call(where, "POST", "/workspaces", fields)["data"]["id"]
        for index, member in enumerate(self._list(f"{where}.members", ws.get("members"))):
            user_id = self.user_id(f"{where}.members[{index}]", member)
            self.call(f"{where}.members[{index}]", "POST", f"/workspaces/{workspace_id}/members/add",
                      {"user_ids": [user_id]})  # fmt: skip
        self.budgets(where, workspace_id, ws)
        keys = self.keys(where, workspace_id, self._list(f"{where}.keys", ws.get("keys")))
        for index, guardrail in enumerate(self._list(f"{where}.guardrails", ws.get("guardrails"))):
            self.guardrail(f"{where}.guardrails[{index}]", workspace_id, guardrail, keys)
        if ws.get("default_guardrail") is not None:
            self.default_guardrail(f"{where}.default_guardrail", workspace_id, ws["default_guardrail"])
        for index, item in enumerate(self._list(f"{where}.byok", ws.get("byok"))):
            self.byok(f"{where}.byok[{index}]", workspace_id, item, keys)
        for index, item in enumerate(self._list(f"{where}.observability", ws.get("observability"))):
            self.destination(f"{where}.observability[{index}]", workspace_id, item, keys)
        presets = self._list(f"{where}.presets", ws.get("presets"))
        if presets:
            self.presets(where, workspace_id, presets)

    def budgets(self, where: str, workspace_id: str, ws: Mapping[str, Any]) -> None:
        budgets = ws.get("budgets") or {}
        if not isinstance(budgets, Mapping):
            raise SeedError(f"{where}.budgets must map an interval to a USD limit")
        # Widest first keeps every intermediate state valid (lifetime > monthly > weekly > daily).
        for interval in ("lifetime", "monthly", "weekly", "daily"):
            if interval in budgets:
                self.call(f"{where}.budgets.{interval}", "PUT", f"/workspaces/{workspace_id}/budgets/{interval}",
                          {"limit_usd": budgets[interval]})  # fmt: skip
        unknown = set(budgets) - {"lifetime", "monthly", "weekly", "daily"}
        if unknown:
            raise SeedError(f"{where}.budgets: unknown interval(s) {', '.join(sorted(unknown))}")
        if "include_byok_in_budgets" in ws:
            with self.em.locked() as state:
                state.workspaces[workspace_id]["include_byok_in_budgets"] = bool(ws["include_byok_in_budgets"])

    def keys(self, where: str, workspace_id: str, keys: list[Any]) -> dict[str, list[str]]:
        """Create keys; returns name -> hashes (names may repeat, as upstream allows)."""
        by_name: dict[str, list[str]] = {}
        for index, raw in enumerate(keys):
            at = f"{where}.keys[{index}]"
            key = dict(self._only(at, raw, {
                "name", "limit", "limit_reset", "include_byok_in_limit", "expires_at", "creator", "disabled",
                "external", "last_used_at",
            }))  # fmt: skip
            disabled = key.pop("disabled", False)
            last_used_at = key.pop("last_used_at", None)
            creator = key.pop("creator", None)
            if creator is not None:
                key["creator_user_id"] = self.user_id(f"{at}.creator", creator)
            created = self.call(at, "POST", "/keys", {**key, "workspace_id": workspace_id})
            key_hash = created["data"]["hash"]
            if last_used_at is not None:  # no inference here to record usage: seed it
                with self.em.locked() as state:
                    state.keys[key_hash]["last_used_at"] = str(last_used_at)
            if disabled:
                self.call(at, "PATCH", f"/keys/{key_hash}", {"disabled": True})
            by_name.setdefault(created["data"]["name"], []).append(key_hash)
        return by_name

    def _hashes(self, where: str, names: Any, keys: Mapping[str, list[str]]) -> list[str]:
        hashes: list[str] = []
        for name in self._list(where, names):
            if name not in keys:
                raise SeedError(f"{where}: no key named {name!r} in this workspace")
            hashes.extend(keys[name])
        return hashes

    def guardrail(self, where: str, workspace_id: str, raw: Any, keys: Mapping[str, list[str]]) -> None:
        body = self._object(where, raw)
        key_names = body.pop("keys", None)
        member_refs = body.pop("members", None)
        guardrail_id = self.call(where, "POST", "/guardrails", {**body, "workspace_id": workspace_id})["data"]["id"]
        hashes = self._hashes(f"{where}.keys", key_names, keys)
        if hashes:
            self.call(f"{where}.keys", "POST", f"/guardrails/{guardrail_id}/assignments/keys", {"key_hashes": hashes})
        users = [self.user_id(f"{where}.members", ref) for ref in self._list(f"{where}.members", member_refs)]
        if users:
            self.call(f"{where}.members", "POST", f"/guardrails/{guardrail_id}/assignments/members",
                      {"member_user_ids": users})  # fmt: skip

    def default_guardrail(self, where: str, workspace_id: str, raw: Any) -> None:
        with self.em.locked() as state:
            guardrail_id = state.workspaces[workspace_id]["default_guardrail_id"]
        if not isinstance(raw, Mapping):
            raise SeedError(f"{where} must be an object")
        self.call(where, "PATCH", f"/guardrails/{guardrail_id}", dict(raw))

    def byok(self, where: str, workspace_id: str, raw: Any, keys: Mapping[str, list[str]]) -> None:
        body = self._object(where, raw)
        if "allowed_api_keys" in body:
            body["allowed_api_key_hashes"] = self._hashes(
                f"{where}.allowed_api_keys", body.pop("allowed_api_keys"), keys
            )
        self.call(where, "POST", "/byok", {**body, "workspace_id": workspace_id})

    def destination(self, where: str, workspace_id: str, raw: Any, keys: Mapping[str, list[str]]) -> None:
        body = self._object(where, raw)
        if "api_keys" in body:
            body["api_key_hashes"] = self._hashes(f"{where}.api_keys", body.pop("api_keys"), keys)
        self.call(where, "POST", "/observability/destinations", {**body, "workspace_id": workspace_id})

    def presets(self, where: str, workspace_id: str, presets: list[Any]) -> None:
        # Presets follow the calling key's workspace, so write them with a short-lived key of
        # this workspace (deleted right after; it leaves no trace in the account).
        with self.em.locked() as state:
            is_default = workspace_id == state.default_workspace_id
        temp: dict[str, Any] | None = None
        if not is_default:
            temp = self.call(where, "POST", "/keys", {"name": "orctl-seed (temporary)", "workspace_id": workspace_id})
        try:
            writer = temp["key"] if temp else None
            for index, raw in enumerate(presets):
                self.preset(f"{where}.presets[{index}]", raw, writer)
        finally:
            if temp:
                self.call(where, "DELETE", f"/keys/{temp['data']['hash']}")

    def preset(self, where: str, raw: Any, writer: str | None) -> None:
        preset = self._only(where, raw, {"slug", "versions", "status"})
        versions = self._list(f"{where}.versions", preset.get("versions"))
        if not isinstance(preset.get("slug"), str) or not versions:
            raise SeedError(f"{where}: give a slug and at least one version")
        for index, raw_version in enumerate(versions):
            at = f"{where}.versions[{index}]"
            version = self._only(at, raw_version, {"endpoint", "body"})
            endpoint = _PRESET_ENDPOINTS.get(version.get("endpoint", "chat"))
            if endpoint is None:
                raise SeedError(f"{at}.endpoint must be one of {', '.join(_PRESET_ENDPOINTS)}")
            created = self.call(at, "POST", f"/presets/{preset['slug']}/{endpoint}", version.get("body"), key=writer)
        status = preset.get("status", "active")
        if status not in ("active", "archived", "disabled"):
            raise SeedError(f"{where}.status must be active, archived or disabled")
        if status != "active":  # archived as DELETE does; disabled has no API call: set it
            with self.em.locked() as state:
                record = state.presets[created["data"]["id"]]
                record["status"] = status
                record["status_updated_at"] = self.em.env.now_iso()
