"""What a policy rule reports: an issue about one object (the subject), with the other objects
involved, where it is declared, and what to do about it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from openrouter_iac.model.config import Config
from openrouter_iac.model.positions import PathKey, Position, SourceMap
from openrouter_iac.model.resources import AccountState
from openrouter_iac.policy.walk import KeyRef, all_keys

Severity = Literal["error", "warning"]


# Issues and findings are never changed once made; not frozen (but hashable) because a frozen
# dataclass takes seven times as long to make, and a 20,000-key config has 60,000 findings.
@dataclass(slots=True, unsafe_hash=True)
class Issue:
    """What a rule's check yields; the runner adds the rule id, the severity and the position."""

    subject: str
    """Address of the object the issue is about, e.g. `api_key:lab/scratch`."""
    path: PathKey
    """Where in the config the issue is best pointed at."""
    message: str
    hint: str
    others: tuple[str, ...] = ()
    """Addresses of the other objects involved."""


@dataclass(slots=True, unsafe_hash=True)
class Finding:
    rule: str
    severity: Severity
    subject: str
    message: str
    hint: str
    objects: tuple[str, ...]
    """Every object involved, the subject first."""
    position: Position | None = None

    @property
    def where(self) -> str:
        return str(self.position) if self.position else self.subject

    def headline(self) -> str:
        """`file:line:column: error [rule-id] message`."""
        return f"{self.where}: {self.severity} [{self.rule}] {self.message}"


@dataclass(frozen=True)
class Suppressed:
    """A finding a `lint:` setting switched off, and the reason given."""

    finding: Finding
    reason: str
    setting: str
    """Where the switch is: `lint.rules.key-no-expiry` or `lint.overrides[0]`."""


@dataclass
class LintContext:
    """What every rule reads: the config, where its nodes are, and the time of the run."""

    config: Config
    source_map: SourceMap | None
    now: datetime
    account: AccountState = field(init=False)
    """The declared account, built once for every rule."""
    keys: list[KeyRef] = field(init=False)
    """Every key of the declared account, listed once for every rule."""

    def __post_init__(self) -> None:
        self.account = self.config.account()
        self.keys = all_keys(self.account)

    def position(self, path: PathKey) -> Position | None:
        return self.source_map.key_position(path) if self.source_map else None

    def at(self, path: PathKey) -> str:
        """` (file:line:column)` for a message naming another object, or "" without positions."""
        position = self.position(path)
        return f" ({position})" if position else ""

    def named(self, address: str, path: PathKey) -> str:
        """`guardrail:ws/name at file:line:column` (just the address without positions)."""
        position = self.position(path)
        return f"{address} at {position}" if position else address


Check = Callable[[LintContext], Iterable[Issue]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    summary: str
    """One sentence: what the rule asks for."""
    check: Check | None = None
    """None for rules over live data only (run by `orctl drift`)."""
    why: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)
