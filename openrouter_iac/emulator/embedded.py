"""The emulator embedded in an orctl process, persisted in a state file (``--emulator`` mode).

    with EmbeddedEmulator(Path(".orctl/emulator.json")) as emu:
        client = httpx.Client(transport=emu.transport, base_url=emu.base_url,
                              headers={"Authorization": f"Bearer {emu.management_key}"})
        ...

Entering loads the state file, or creates a fresh account (and the file, with its parent
directory) when there is none. Every committed write is saved (atomically) before its answer
reaches the client, so an answered write survives even a kill -9 of the orctl process, as on a
real server; writes answered together share one save. Reads save nothing: the file is rewritten
only when the account changed. While the block runs, an advisory lock on ``<state>.lock`` keeps
a second orctl process from loading the same file and later overwriting this one's changes.
Nothing is printed.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import httpx

from openrouter_iac.emulator.app import IN_PROCESS_BASE_URL, Emulator
from openrouter_iac.emulator.faults import FaultConfig
from openrouter_iac.emulator.state import State, StateFileError, save_text_atomic
from openrouter_iac.emulator.transport import EmulatorTransport
from openrouter_iac.emulator.wire import Request

DEFAULT_STATE_PATH = Path(".orctl/emulator.json")
LOCK_TIMEOUT_S = 30.0

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locking
    fcntl = None  # type: ignore[assignment]


class EmulatorBusyError(RuntimeError):
    """Another process holds the emulator state file."""


class DamagedStateError(StateFileError):
    """A request failed inside the embedded emulator: its state file holds a record it cannot
    serve (edited by hand, or written by another version). Raised to the caller at once: a 500
    would be retried for seconds as if OpenRouter were down."""


class EmbeddedEmulator:
    def __init__(
        self,
        state_path: Path | str = DEFAULT_STATE_PATH,
        *,
        faults: FaultConfig | None = None,
        lock_timeout_s: float = LOCK_TIMEOUT_S,
        **emulator_kwargs: Any,
    ) -> None:
        self.state_path = Path(state_path)
        self._faults = faults
        self._lock_timeout_s = lock_timeout_s
        self._emulator_kwargs = emulator_kwargs
        self._emulator: Emulator | None = None
        self._transport: EmulatorTransport | None = None
        self._lock_file: IO[str] | None = None
        self._saved_revision: int | None = None
        self._save_lock = threading.Lock()

    # -- what callers use -----------------------------------------------------------------------

    @property
    def emulator(self) -> Emulator:
        if self._emulator is None:
            raise RuntimeError("EmbeddedEmulator is not entered; use it as a context manager")
        return self._emulator

    @property
    def transport(self) -> EmulatorTransport:
        if self._transport is None:
            raise RuntimeError("EmbeddedEmulator is not entered; use it as a context manager")
        return self._transport

    @property
    def base_url(self) -> str:
        return IN_PROCESS_BASE_URL

    @property
    def management_key(self) -> str:
        return self.emulator.management_key

    def save(self) -> None:
        """Save now if the account changed since the last save (serialised under the emulator's
        lock, so the file holds every write committed before it; a newer save covers older ones)."""
        with self._save_lock:
            emulator = self.emulator
            if emulator.revision == self._saved_revision:
                return
            with emulator.locked() as state:
                text = state.dumps()
                revision = state.revision
            save_text_atomic(self.state_path, text)
            self._saved_revision = revision

    # -- lifecycle ------------------------------------------------------------------------------

    def __enter__(self) -> EmbeddedEmulator:
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        self._acquire_lock()
        try:
            state = State.load(self.state_path) if self.state_path.exists() else None
            self._emulator = Emulator(state, faults=self._faults, **self._emulator_kwargs)
            self._transport = _DurableTransport(self._emulator, self)
            if state is not None:
                self._saved_revision = state.revision  # what the file holds already
            else:
                self.save()  # persist the new account (and its management key) right away
        except BaseException:
            self._release_lock()
            raise
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if self._emulator is not None:
                self.save()
        finally:
            self._release_lock()

    def _acquire_lock(self) -> None:
        if fcntl is None:
            return
        lock_path = self.state_path.with_name(self.state_path.name + ".lock")
        handle = open(lock_path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the whole block
        deadline = time.monotonic() + self._lock_timeout_s
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.close()
                    raise EmulatorBusyError(
                        f"another orctl process is using the emulator state {self.state_path}"
                    ) from None
                time.sleep(0.05)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._lock_file = handle

    def _release_lock(self) -> None:
        if self._lock_file is not None and fcntl is not None:
            fcntl.flock(self._lock_file.fileno(), fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None


class _DurableTransport(EmulatorTransport):
    """Saves the account after each committed write, before the client sees the answer (also
    before a "commit then drop" fault drops it: the write was committed either way)."""

    def __init__(self, emulator: Emulator, owner: EmbeddedEmulator) -> None:
        super().__init__(emulator)
        self._owner = owner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        target = request.url.raw_path.decode("ascii")
        core = Request.build(request.method, target, dict(request.headers), body)
        failed_before, _ = self.emulator.stats.internal_errors
        response = self.emulator.handle(core)
        failed, trace = self.emulator.stats.internal_errors
        if failed > failed_before:
            last = (trace or "").strip().splitlines()[-1:] or ["unknown error"]
            raise DamagedStateError(
                f"the emulator state {self._owner.state_path} holds data the emulator cannot serve "
                f"({request.method} {request.url.path}: {last[0]})"
            )
        self._owner.save()  # a no-op unless the revision moved
        if response.drop:
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
        return httpx.Response(
            status_code=response.status, headers=response.headers, content=response.body, request=request
        )
