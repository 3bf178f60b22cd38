"""The emulated account: plain tables of API-shaped records, plus JSON persistence.

Records are stored in (almost) the shape the API returns them, so handlers render them with
little work. Values the API computes on read (``limit_remaining``, a key assignment's
``key_name``) are filled in by the handlers, never stored. Inference key secrets are never
stored: a key's ``hash`` is the SHA-256 of its secret, so a bearer token is looked up by hashing
it. Only the management keys' secrets are kept, so ``orctl emulator serve`` can print one again
after a restart.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from openrouter_iac.emulator.env import Env, derived_uuid, sha256_hex

STATE_FORMAT = "orctl-emulator-state"
STATE_VERSION = 1

Record = dict[str, Any]

_FAKE_PEOPLE = [
    ("Ada", "Lovelace", "org:admin"),
    ("Grace", "Hopper", "org:admin"),
    ("Alan", "Turing", "org:member"),
    ("Katherine", "Johnson", "org:member"),
]


class StateFileError(Exception):
    """The state file cannot be read or has an unknown format."""


@dataclass
class State:
    organization: Record
    members: dict[str, Record]
    management_keys: dict[str, Record]
    default_workspace_id: str
    workspaces: dict[str, Record] = field(default_factory=dict)
    workspace_members: dict[str, dict[str, Record]] = field(default_factory=dict)
    budgets: dict[str, dict[str, Record]] = field(default_factory=dict)
    keys: dict[str, Record] = field(default_factory=dict)
    guardrails: dict[str, Record] = field(default_factory=dict)
    key_assignments: dict[str, Record] = field(default_factory=dict)
    member_assignments: dict[str, Record] = field(default_factory=dict)
    byok: dict[str, Record] = field(default_factory=dict)
    presets: dict[str, Record] = field(default_factory=dict)
    preset_versions: dict[str, list[Record]] = field(default_factory=dict)
    destinations: dict[str, Record] = field(default_factory=dict)
    credits: dict[str, float] = field(default_factory=lambda: {"total_credits": 100.0, "total_usage": 0.0})
    # Bumped on every committed write; lets the server save only when something changed.
    revision: int = 0

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def fresh(cls, env: Env, *, management_secret: str | None = None) -> State:
        """A new account: one organization, a few members, the default workspace, one management key."""
        now = env.now_iso()
        members: dict[str, Record] = {}
        for first, last, role in _FAKE_PEOPLE:
            user_id = env.new_user_id()
            members[user_id] = {
                "id": user_id,
                "email": f"{first.lower()}.{last.lower()}@example.com",
                "first_name": first,
                "last_name": last,
                "role": role,
            }
        owner = next(iter(members))
        org = {
            "id": env.new_org_id(),
            "name": "Emulated Organization",
            "owner_user_id": owner,
            "is_filtered_model_catalog_enabled": False,
        }
        workspace_id = env.new_uuid()
        state = cls(organization=org, members=members, management_keys={}, default_workspace_id=workspace_id)
        state.workspaces[workspace_id] = new_workspace_record(
            workspace_id, name="Default Workspace", slug="default", created_by=owner, now=now
        )
        state.workspace_members[workspace_id] = {}
        state.budgets[workspace_id] = {}
        state.add_management_key(management_secret or env.new_management_secret(), "orctl emulator", now)
        return state

    def add_management_key(self, secret: str, name: str, now: str) -> Record:
        record = {
            "hash": sha256_hex(secret),
            "secret": secret,
            "name": name,
            "creator_user_id": self.organization["owner_user_id"],
            "created_at": now,
        }
        self.management_keys[record["hash"]] = record
        return record

    @property
    def owner_user_id(self) -> str:
        return str(self.organization["owner_user_id"])

    def first_management_secret(self) -> str:
        return str(next(iter(self.management_keys.values()))["secret"])

    # -- persistence --------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The state as a JSON-ready dict. It shares the tables (no deep copy, which cost seconds
        on a large account): serialise it at once, under the emulator's lock."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        return {"format": STATE_FORMAT, "version": STATE_VERSION, **data}

    def dumps(self) -> str:
        """Compact JSON text of the state: linear in its size, C-encoded (indenting is not)."""
        return json.dumps(self.to_json(), separators=(",", ":")) + "\n"

    @classmethod
    def from_json(cls, data: Any) -> State:
        if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
            raise StateFileError(f"not an orctl emulator state file (expected format {STATE_FORMAT!r})")
        if data.get("version") != STATE_VERSION:
            raise StateFileError(
                f"unsupported emulator state version {data.get('version')!r} (this orctl reads {STATE_VERSION})"
            )
        names = {f.name for f in fields(cls)}
        missing = {"organization", "members", "management_keys", "default_workspace_id"} - data.keys()
        if missing:
            raise StateFileError(f"emulator state file lacks {', '.join(sorted(missing))}")
        if not data["management_keys"]:
            raise StateFileError("emulator state file holds no management key")
        return cls(**{k: v for k, v in data.items() if k in names})

    @classmethod
    def load(cls, path: Path) -> State:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise StateFileError(f"cannot read emulator state {path}: {exc.strerror}") from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise StateFileError(f"emulator state {path} is not valid JSON: {exc}") from exc
        return cls.from_json(data)

    def save(self, path: Path) -> None:
        """Write atomically: a crash mid-write leaves the previous file intact."""
        save_text_atomic(path, self.dumps())


def save_json_atomic(path: Path, payload: Any) -> None:
    save_text_atomic(path, json.dumps(payload, indent=1) + "\n")


def save_text_atomic(path: Path, text: str) -> None:
    """Write to a temporary file beside ``path``, fsync, then rename over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        # The file holds a management key: keep it private to the user.
        os.chmod(tmp_name, 0o600)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


def new_workspace_record(workspace_id: str, *, name: str, slug: str, created_by: str, now: str) -> Record:
    return {
        "id": workspace_id,
        "default_guardrail_id": derived_uuid("workspace-default-guardrail", workspace_id),
        "name": name,
        "slug": slug,
        "description": None,
        "default_text_model": None,
        "default_image_model": None,
        "default_provider_sort": None,
        "is_observability_io_logging_enabled": False,
        "is_observability_broadcast_enabled": False,
        "is_data_discount_logging_enabled": False,
        "io_logging_sampling_rate": 1,
        "io_logging_api_key_ids": None,
        "include_byok_in_budgets": False,
        "created_at": now,
        "updated_at": None,
        "created_by": created_by,
    }
