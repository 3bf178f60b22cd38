"""One writer at a time per account: a lease held in the account itself, no state file.

The lease is a guardrail in the default workspace with a reserved name that carries its expiry:
``orctl-lease <unix expiry> <nonce>``. To take it, a run creates its own marker, lists the
markers, and holds the lease if its marker is the oldest one still valid (created first; ties
broken by name, so every contender reaches the same verdict). A loser removes its marker and
waits or gives up. The holder renews the expiry while it writes and removes its marker at the
end. A crashed run's marker lapses at its expiry, or at once when it names a process of this
machine that is gone. The reader never shows markers, so no plan manages or prunes them.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from openrouter_iac.client import OpenRouterClient
from openrouter_iac.errors import AmbiguousWriteError, ApplyError, MalformedResponseError, NotFoundError, OrctlError
from openrouter_iac.live.writer_plain import write_path
from openrouter_iac.model.address import KindName

LEASE_NAME = re.compile(r"^orctl-lease (?P<until>\d+) (?P<nonce>[0-9a-f]{8})$")
DEFAULT_LEASE_S = 600.0
RESOURCE = "the apply lease"
MARKER_KIND: KindName = "guardrail"
"""A marker is a guardrail (of the default workspace: no `workspace_id`), written and listed at the
guardrail kind's `writes` path; the reader lists guardrails there and leaves markers out."""


def is_lease_name(name: str) -> bool:
    return LEASE_NAME.match(name) is not None


class LeaseBusyError(ApplyError):
    """Another apply holds the account."""


@dataclass(frozen=True)
class Marker:
    id: str
    name: str
    until: float
    created_at: str
    host: str | None
    pid: int | None

    def lapsed(self, now: float, host: str, alive: Callable[[int], bool]) -> bool:
        if self.until <= now:
            return True
        # A marker of a process of this machine that is gone (kill -9) need not wait for its expiry.
        return self.host == host and self.pid is not None and not alive(self.pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _describe(host: str, pid: int, until: float) -> str:
    expiry = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(until))
    return (
        f"orctl apply holds this account until {expiry} (host={host} pid={pid}). "
        "Another apply waits for it; delete it only if that run is gone."
    )


def _parse(item: dict[str, Any]) -> Marker | None:
    match = LEASE_NAME.match(str(item.get("name") or ""))
    if not match:
        return None
    description = str(item.get("description") or "")
    host = re.search(r"host=(\S+)", description)
    pid = re.search(r"pid=(\d+)", description)
    return Marker(
        id=str(item["id"]),
        name=str(item["name"]),
        until=float(match["until"]),
        created_at=str(item.get("created_at") or ""),
        host=host[1] if host else None,
        pid=int(pid[1]) if pid else None,
    )


@dataclass
class Lease:
    """``with Lease(client, wait_s=...)``: held for the block, renewed, then released."""

    client: OpenRouterClient
    wait_s: float = 0.0
    duration_s: float = DEFAULT_LEASE_S
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep
    alive: Callable[[int], bool] = _alive
    on_wait: Callable[[str], None] = lambda holder: None
    """Told once, with who holds the lease, when this run starts waiting for it."""
    host: str = field(default_factory=socket.gethostname)
    pid: int = field(default_factory=os.getpid)
    marker_id: str | None = None
    nonce: str = field(default_factory=lambda: secrets.token_hex(4))
    _stop: threading.Event = field(default_factory=threading.Event)
    _renewer: threading.Thread | None = None

    def __enter__(self) -> Lease:
        self.acquire()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()

    def acquire(self) -> None:
        deadline = time.monotonic() + self.wait_s
        waiting = False
        while True:
            holder = self._try_once()
            if holder is None:
                self._start_renewing()
                return
            expiry = time.strftime("%H:%M:%S UTC", time.gmtime(holder.until))
            where = f" on {holder.host}, pid {holder.pid}" if holder.host else ""
            if time.monotonic() >= deadline:
                raise LeaseBusyError(
                    f"another orctl apply is writing to this account{where} (its lease runs until {expiry}); "
                    "nothing was written",
                    hint="wait for it to finish, or pass --lease-wait SECONDS to wait here",
                )
            if not waiting:
                self.on_wait(f"another apply{where} holds it until {expiry}")
                waiting = True
            self.sleep(min(2.0, max(0.1, deadline - time.monotonic())))

    def _try_once(self) -> Marker | None:
        """Take the lease, or return the marker that holds it (ours is then removed)."""
        self.marker_id = self._create_marker()
        now = self.clock()
        valid: list[Marker] = []
        for marker in self._markers():
            if marker.id != self.marker_id and marker.lapsed(now, self.host, self.alive):
                self._delete(marker.id)  # a crashed run's lease: clear it for everyone
                continue
            valid.append(marker)
        oldest = min(valid, key=lambda m: (m.created_at, m.name), default=None)
        if oldest is None or oldest.id == self.marker_id:
            return None
        self._delete(self.marker_id)
        self.marker_id = None
        return oldest

    def _create_marker(self) -> str:
        for attempt in (1, 2):
            name, body = self._marker_body()
            try:
                created = self.client.post(write_path(MARKER_KIND), json=body, resource=RESOURCE)
                return str(created["data"]["id"])
            except (AmbiguousWriteError, MalformedResponseError):
                # The create may have happened: find our marker by its name before trying again.
                ours = [m for m in self._markers() if m.name == name]
                if ours:
                    return ours[0].id
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _marker_body(self) -> tuple[str, dict[str, str]]:
        # The nonce stays while the expiry moves on: contenders compare (created_at, name).
        until = int(self.clock() + self.duration_s)
        name = f"orctl-lease {until} {self.nonce}"
        return name, {"name": name, "description": _describe(self.host, self.pid, until)}

    def _markers(self) -> list[Marker]:
        items = self.client.list_all(write_path(MARKER_KIND), resource=RESOURCE)
        return [marker for item in items if (marker := _parse(item)) is not None]

    def _delete(self, marker_id: str) -> None:
        with contextlib.suppress(NotFoundError):  # another run cleared it first
            self.client.delete(write_path(MARKER_KIND, marker_id), resource=RESOURCE)

    def _start_renewing(self) -> None:
        self._renewer = threading.Thread(target=self._renew_loop, name="orctl-lease", daemon=True)
        self._renewer.start()

    def _renew_loop(self) -> None:
        while not self._stop.wait(self.duration_s / 3):
            marker_id = self.marker_id
            if marker_id is None:
                return
            _, body = self._marker_body()
            try:
                self.client.patch(write_path(MARKER_KIND, marker_id), json=body, resource=RESOURCE)
            except OrctlError:
                continue  # tried again at the next tick; the expiry still protects the run

    def release(self) -> None:
        self._stop.set()
        if self._renewer is not None:
            self._renewer.join(timeout=5)
        if self.marker_id is not None:
            with contextlib.suppress(OrctlError):  # else it lapses at its expiry
                self._delete(self.marker_id)
            self.marker_id = None
