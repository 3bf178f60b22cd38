"""The `--ignore FILE` of `orctl drift`: accepted drift, as a YAML list of addresses or globs, each
optionally `{address, reason, until}`. An entry whose `until` has passed stops ignoring."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml

from openrouter_iac.errors import OrctlError
from openrouter_iac.plan.targets import matches

FIELDS = frozenset({"address", "reason", "until"})


@dataclass(frozen=True)
class IgnoreEntry:
    address: str
    """An address or a glob, e.g. `api_key:research/*`."""
    reason: str | None = None
    until: date | None = None
    """The last day (UTC) the entry ignores; from the next day the drift is reported again."""

    def active(self, today: date) -> bool:
        return self.until is None or today <= self.until

    def covers(self, address: str) -> bool:
        return matches(address, [self.address])


def _until(value: Any, where: str) -> date:
    if isinstance(value, datetime):
        return value.astimezone(UTC).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    raise OrctlError(f"{where}: until must be a date such as 2027-01-31, got {value!r}")


def parse_ignore(data: Any, source: str) -> list[IgnoreEntry]:
    """The entries of an ignore document; OrctlError naming the entry when one is malformed."""
    if data is None:
        return []
    if not isinstance(data, list):
        raise OrctlError(f"{source}: must be a YAML list of addresses or {{address, reason, until}} entries")
    entries = []
    for index, item in enumerate(data, start=1):
        where = f"{source}: entry {index}"
        if isinstance(item, str) and item.strip():
            entries.append(IgnoreEntry(item.strip()))
            continue
        if not isinstance(item, dict):
            raise OrctlError(f"{where}: must be an address or a mapping with `address`")
        unknown = sorted(set(item) - FIELDS)
        if unknown:
            raise OrctlError(
                f"{where}: unknown field(s) {', '.join(map(str, unknown))} (known: address, reason, until)"
            )
        address = item.get("address")
        if not isinstance(address, str) or not address.strip():
            raise OrctlError(f"{where}: `address` is required (an address or a glob)")
        reason = item.get("reason")
        if reason is not None and not isinstance(reason, str):
            raise OrctlError(f"{where}: `reason` must be text")
        until = _until(item["until"], where) if item.get("until") is not None else None
        entries.append(IgnoreEntry(address.strip(), reason, until))
    return entries


def load_ignore(path: Path) -> list[IgnoreEntry]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise OrctlError(f"--ignore {path}: cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise OrctlError(f"--ignore {path}: cannot be read (not UTF-8 text)") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        raise OrctlError(f"--ignore {path}{where}: not valid YAML") from None
    return parse_ignore(data, f"--ignore {path}")
