"""The emulator core: one object that owns the account state and answers requests.

Adapters (the httpx transport, the loopback HTTP server) turn their requests into
:class:`~openrouter_iac.emulator.wire.Request` and call :meth:`Emulator.handle`. Every handler
runs under one lock, so concurrent clients see a consistent account; injected latency is slept
outside the lock so slow requests do not serialise each other.
"""

from __future__ import annotations

import json
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openrouter_iac.emulator import admin
from openrouter_iac.emulator.auth import Access, Principal, add_management_key, authenticate, require
from openrouter_iac.emulator.catalogue import Catalogue, default_catalogue
from openrouter_iac.emulator.context import Ctx
from openrouter_iac.emulator.env import Env
from openrouter_iac.emulator.errors import STATUS_TEXT, ApiError, error_body
from openrouter_iac.emulator.faults import WRITE_METHODS, FaultConfig, FaultInjector
from openrouter_iac.emulator.query import Query
from openrouter_iac.emulator.routes import build_router
from openrouter_iac.emulator.state import State, save_text_atomic
from openrouter_iac.emulator.stats import Stats
from openrouter_iac.emulator.wire import Request, Response

if TYPE_CHECKING:
    from openrouter_iac.emulator.transport import EmulatorTransport

API_PREFIX = "/api/v1"
ADMIN_PREFIX = "/_emulator"
# Any host works with the in-process transport; ``.invalid`` can never resolve by accident.
IN_PROCESS_BASE_URL = "http://emulator.invalid/api/v1"
MAX_BODY_BYTES = 1024 * 1024


class Emulator:
    """A stateful, thread-safe emulation of the OpenRouter management API."""

    def __init__(
        self,
        state: State | None = None,
        *,
        faults: FaultConfig | None = None,
        catalogue: Catalogue | None = None,
        clock: Callable[[], datetime] | None = None,
        id_seed: int | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if state is not None and id_seed is not None:
            # A loaded account already holds ids drawn from this seed: continue on another
            # stream (keyed by the account's revision) so new ids cannot repeat old ones.
            self.env = Env(clock, f"{id_seed}/{state.revision}/{len(state.keys)}")
        else:
            self.env = Env(clock, id_seed)
        self.state = state if state is not None else State.fresh(self.env)
        self.catalogue = catalogue or default_catalogue()
        self.faults = FaultInjector(faults)
        self.stats = Stats()
        self._sleep = sleep
        self._lock = threading.RLock()
        self._router = build_router()

    # -- convenience ------------------------------------------------------------------------

    @property
    def management_key(self) -> str:
        with self._lock:
            return self.state.first_management_secret()

    def issue_management_key(self, name: str = "orctl emulator", *, read_only: bool = False) -> str:
        """Another management key of the account (its secret); a ``read_only`` one reads and never writes."""
        with self._lock:
            secret = self.env.new_management_secret()
            add_management_key(self.state, secret, name=name, now=self.env.now_iso(), read_only=read_only)
            self.state.revision += 1
            return secret

    @property
    def revision(self) -> int:
        """Increases with every committed write (used to decide when to save)."""
        with self._lock:
            return self.state.revision

    def transport(self) -> EmulatorTransport:
        from openrouter_iac.emulator.transport import EmulatorTransport

        return EmulatorTransport(self)

    @contextmanager
    def locked(self) -> Iterator[State]:
        """Exclusive access to the state, for seeding or inspecting it directly."""
        with self._lock:
            yield self.state

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return json.loads(json.dumps(self.state.to_json()))  # type: ignore[no-any-return]

    def save(self, path: Path) -> int:
        """Save atomically; returns the revision saved. Serialised under the lock, written outside."""
        with self._lock:
            text = json.dumps(self.state.to_json(), indent=1) + "\n"
            revision = self.state.revision
        save_text_atomic(path, text)
        return revision

    def call(
        self, method: str, path: str, body: Any = None, *, key: str | None = None, query: str = ""
    ) -> tuple[int, Any]:
        """Call the API in-process (no faults bypassed). ``path`` is relative to /api/v1."""
        target = API_PREFIX + path + (f"?{query}" if query else "")
        headers = {"authorization": f"Bearer {key or self.management_key}"}
        raw = b""
        if body is not None:
            raw = json.dumps(body).encode()
            headers["content-type"] = "application/json"
        response = self.handle(Request.build(method, target, headers, raw))
        payload = json.loads(response.body) if response.body else None
        return response.status, payload

    # -- request handling ---------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        path = request.path
        if path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/"):
            return admin.handle(self, request)
        if not (path == API_PREFIX or path.startswith(API_PREFIX + "/")):
            return _error(404, "Not Found")
        relative = path[len(API_PREFIX) :] or "/"
        match = self._router.match(request.method, relative)
        route = match.route
        operation = route.operation if route else f"{request.method} (unmatched)"
        is_write = request.method in WRITE_METHODS

        verdict = self.faults.before(request.method, relative, operation, request.query)
        if verdict.latency_s > 0:
            self._sleep(verdict.latency_s)
        if verdict.stall_s > 0:
            # Held before it runs (a test kills the client meanwhile): the write never happens.
            self.faults.hold(verdict.stall_s)
            self.stats.record(operation, is_write=is_write, status=503, fault="stalled")
            return _error(503, "Request held by a stall fault, not run")
        if verdict.response is not None:
            self.stats.record(operation, is_write=is_write, status=verdict.response.status, fault=verdict.fault)
            return verdict.response

        if route is None:
            if match.allowed:
                response = _error(405, f"Method {request.method} not allowed on {relative}")
                response.headers["allow"] = ", ".join(sorted(set(match.allowed)))
            else:
                response = _error(404, "Not Found")
        elif len(request.body) > MAX_BODY_BYTES:
            response = _error(413, f"Request body larger than {MAX_BODY_BYTES} bytes")
        else:
            with self._lock:
                response = self._dispatch(route.handler, route.access, match.params, request)
                if is_write and response.status < 400:
                    self.state.revision += 1
        if verdict.rules and response.status == 200 and self.faults.hides_default_guardrails(verdict.rules):
            with self._lock:
                defaults = {str(w["default_guardrail_id"]) for w in self.state.workspaces.values()}
            response = _without(response, defaults)
        skew = self.faults.total_count_skew(verdict.rules) if verdict.rules else 0
        if skew and response.status == 200:
            response = _skewed(response, skew)
        if self.faults.drop_after_commit(request.method, verdict.rules, verdict.draws):
            response.drop = True
        held = self.faults.stall_after_commit(request.method, verdict.rules) if verdict.rules else 0.0
        if held > 0:
            self.faults.hold(held)  # committed; the answer waits (its client is killed meanwhile)
        fault = "dropped" if response.drop else ("latency" if verdict.latency_s > 0 else None)
        self.stats.record(operation, is_write=is_write, status=None if response.drop else response.status, fault=fault)
        return response

    def _dispatch(
        self, handler: Callable[[Ctx], Any], access: Access, params: dict[str, str], request: Request
    ) -> Response:
        try:
            principal: Principal | None = None
            if access is not Access.PUBLIC:
                principal = authenticate(self.state, request.header("authorization"), self.env.now())
                require(principal, access, request.method)
            ctx = Ctx(
                state=self.state,
                catalogue=self.catalogue,
                env=self.env,
                principal=principal,
                params=params,
                query=Query(request.query),
                raw_body=request.body,
            )
            reply = handler(ctx)
            return Response.json(reply.status, reply.payload)
        except ApiError as exc:
            return Response.json(exc.status, exc.body(), exc.headers)
        except Exception:  # a bug in the emulator: answer like a server would, and keep the trace
            self.stats.record_internal_error(traceback.format_exc())
            return _error(500, "Internal Server Error")


def _without(response: Response, ids: set[str]) -> Response:
    """A list answer without the items of these ids (its total_count lowered to match)."""
    payload = response.json_payload()
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
        return response
    kept = [item for item in payload["data"] if not (isinstance(item, dict) and str(item.get("id")) in ids)]
    if isinstance(payload.get("total_count"), int):
        payload["total_count"] = max(0, payload["total_count"] - (len(payload["data"]) - len(kept)))
    payload["data"] = kept
    return Response.json(response.status, payload, response.headers)


def _skewed(response: Response, skew: int) -> Response:
    payload = response.json_payload()
    if not isinstance(payload, dict) or not isinstance(payload.get("total_count"), int):
        return response
    payload["total_count"] = max(0, payload["total_count"] + skew)
    return Response.json(response.status, payload, response.headers)


def _error(status: int, message: str | None = None) -> Response:
    return Response.json(status, error_body(status, message or STATUS_TEXT[status]))
