"""The top of an orctl configuration: the managed account plus what orctl needs to manage it."""

# No `from __future__ import annotations` in the model modules: pydantic then reads the annotations
# as objects instead of compiling each string (part of `orctl validate`'s start-up budget).

from pydantic import Field

from openrouter_iac.model.base import Spec, empty_dict, empty_list
from openrouter_iac.model.durations import Duration
from openrouter_iac.model.lint import LintSettings
from openrouter_iac.model.resources import AccountState, Mode, OrganizationSettings, Workspace
from openrouter_iac.model.sinks import SecretSinkSpec

CONFIG_VERSION = 1
"""The config language version this orctl understands. A newer file is refused with "upgrade"."""


class Ownership(Spec):
    """Which live objects orctl may touch. Everything else is reported as unmanaged, never changed."""

    prune: bool = False
    """Delete live objects inside declared workspaces that the config does not declare."""
    prune_workspaces: bool = False
    """Delete live workspaces that the config does not declare (never the default workspace)."""
    key_name_prefix: str = ""
    """Only live keys whose names start with this prefix count as orctl's (config key names must too)."""


class Safety(Spec):
    """Guards that make a plan refuse to apply without an explicit override flag."""

    max_delete_fraction: float = Field(0.3, ge=0, le=1)
    """Refuse (without --allow-destroy) a plan deleting more than this fraction of managed objects."""
    min_objects_for_fraction: int = Field(10, ge=1)
    """The fraction rule applies once there are at least this many managed objects."""
    weakening_cap_raise_percent: float = Field(50, ge=0)
    """A cap (budget, key limit) raised by more than this percentage is flagged as weakening policy
    in plans (a `[!WARNING]` in the PR comment, `weakens_policy` in the JSON plan)."""
    protect: list[str] = Field(default_factory=empty_list)
    """Addresses never deleted or replaced without --allow-destroy, e.g. `workspace:healthcare`,
    `api_key:healthcare/intake` (a workspace protects everything in it)."""
    rotation_overlap: Duration | None = None
    """How long the old key of a rotation stays enabled beside the new one (`24h`, `7d`), for keys
    that set no `rotation_overlap` of their own; absent: the old key goes at once."""
    expiry_warning: Duration = "14d"
    """Keys expiring within this time are a warning in `orctl plan` and `orctl drift`."""


class Config(Spec):
    """An orctl configuration file (or directory of files merged in name order)."""

    version: int
    """Config language version. This orctl understands version 1."""
    mode: Mode = "manage"
    """`observe`: read, plan and report the whole account but never write to it (a workspace's `mode` wins)."""
    ownership: Ownership = Field(default_factory=Ownership)
    """What orctl owns and may prune."""
    safety: Safety = Field(default_factory=Safety)
    """Thresholds and protected objects."""
    lint: LintSettings = Field(default_factory=LintSettings)
    """Severity changes of the policy rules of `orctl lint` (each with a reason)."""
    organization: OrganizationSettings | None = None
    """Organization settings (absent = not managed)."""
    secret_sinks: dict[str, SecretSinkSpec] = Field(default_factory=empty_dict)
    """Named places where new key secrets are handed to; keys refer to them by name."""
    workspaces: dict[str, Workspace] = Field(default_factory=empty_dict)
    """Workspaces by slug (lowercase letters, digits and single dashes)."""

    def observed(self, workspace: str | None) -> bool:
        """Whether orctl must only read (never write) ``workspace`` (None: organization-level settings)."""
        declared = self.workspaces.get(workspace) if workspace is not None else None
        mode = declared.mode if declared is not None and declared.mode is not None else self.mode
        return mode == "observe"

    def account(self) -> AccountState:
        """The desired account state (the part the diff compares with the live account)."""
        return AccountState(organization=self.organization, workspaces=self.workspaces)
