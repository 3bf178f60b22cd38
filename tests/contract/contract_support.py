"""Cassettes for the client's contract tests: where they live, how they are scrubbed, replay vs record.

Replay (the default, and all CI does): every HTTP exchange is answered from
``cassettes/<test name>.yaml``; the network is blocked. Record (``tests/contract/record.py`` sets
``ORCTL_CONTRACT_MODE=record``): the same tests run against ``ORCTL_RECORD_BASE_URL`` with
``OPENROUTER_MANAGEMENT_KEY`` and write fresh cassettes. Either way, before anything is written
or matched, requests and responses go through the scrubbers below: no ``Authorization`` header,
and every key-shaped string replaced by :data:`PLACEHOLDER`.

A plain module (not conftest) so the tests and record.py can import it by a unique name.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openrouter_iac.client import OpenRouterClient
from openrouter_iac.errors import NotFoundError

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
CASSETTES = HERE / "cassettes"
RECORDING_INFO = "recording.json"  # in the cassette directory: run prefix and what was recorded against

MODE_ENV = "ORCTL_CONTRACT_MODE"  # "record" to record; anything else replays
BASE_URL_ENV = "ORCTL_RECORD_BASE_URL"
KEY_ENV = "OPENROUTER_MANAGEMENT_KEY"
PREFIX_ENV = "ORCTL_RECORD_PREFIX"
CASSETTE_DIR_ENV = "ORCTL_CASSETTE_DIR"  # record.py records into a scratch directory first

# What the client talks to during replay. `.invalid` never resolves, and the socket guard blocks
# connections anyway; recorded URLs are rewritten to this base so cassettes match in replay.
REPLAY_BASE_URL = "https://openrouter.invalid/api/v1"
# Not key-shaped on purpose: it must never appear in a cassette, and the scan would notice.
REPLAY_KEY = "replay-only-management-key-not-a-secret"
PLACEHOLDER = "sk-or-v1-REDACTED"

# Anything key-shaped: OpenRouter inference and management keys, and their `label` abbreviations.
KEY_SHAPED = re.compile(r"sk-or-[A-Za-z0-9_.~-]*")
FULL_KEY = re.compile(r"sk-or-v1-[0-9a-f]{64}")

# Only these headers are kept: what the client reads, and nothing that could identify a session.
KEPT_REQUEST_HEADERS = frozenset({"content-type", "accept"})
KEPT_RESPONSE_HEADERS = frozenset({"content-type", "retry-after", "location"})


@dataclass(frozen=True)
class Mode:
    recording: bool
    base_url: str
    key: str
    prefix: str
    cassettes: Path

    def sleep(self, seconds: float) -> None:
        """Retry waits: real ones while recording (a real API's Retry-After matters), none in replay."""
        if self.recording:
            time.sleep(seconds)


def current_mode() -> Mode:
    """Replay unless record.py asked to record; the run prefix comes from the recording."""
    cassettes = Path(os.environ.get(CASSETTE_DIR_ENV) or CASSETTES)
    if os.environ.get(MODE_ENV) == "record":
        base_url, key, prefix = (os.environ.get(name, "") for name in (BASE_URL_ENV, KEY_ENV, PREFIX_ENV))
        if not (base_url and key and prefix):
            raise RuntimeError(
                f"recording needs {BASE_URL_ENV}, {KEY_ENV} and {PREFIX_ENV}: use tests/contract/record.py"
            )
        return Mode(True, base_url.rstrip("/"), key, prefix, cassettes)
    info = json.loads((cassettes / RECORDING_INFO).read_text(encoding="utf-8"))
    return Mode(False, REPLAY_BASE_URL, REPLAY_KEY, str(info["prefix"]), cassettes)


@dataclass
class Contract:
    """One test's view of the API: the client, the run prefix, and deletes to run at the end."""

    client: OpenRouterClient
    mode: Mode
    _clients: list[OpenRouterClient] = field(default_factory=list)
    _cleanup: list[Callable[[], Any]] = field(default_factory=list)

    def name(self, suffix: str) -> str:
        """A name (or slug) carrying the run prefix, e.g. ``orctl-rec-1a2b3c-keys``."""
        return f"{self.mode.prefix}-{suffix}"

    def client_with(self, key: str) -> OpenRouterClient:
        """A client calling with another key (an inference key, an unknown key)."""
        other = OpenRouterClient(self.mode.base_url, key, sleep=self.mode.sleep)
        self._clients.append(other)
        return other

    def finally_delete(self, path: str) -> None:
        """DELETE ``path`` when the test ends, whatever happened (run newest first)."""
        self._cleanup.append(lambda: self.client.delete(path, resource=f"cleanup {path}"))

    def close(self) -> list[str]:
        problems = []
        for undo in reversed(self._cleanup):
            try:
                undo()
            except NotFoundError:
                pass  # the test deleted it already
            except Exception as exc:  # cleanup is best effort; record.py sweeps leftovers by prefix
                problems.append(f"{type(exc).__name__}: {exc}")
        for other in self._clients:
            other.close()
        self.client.close()
        return problems


def scrub_text(text: str, *secrets: str) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, PLACEHOLDER)
    return KEY_SHAPED.sub(PLACEHOLDER, text)


def _scrub_body(body: bytes | str | None, *secrets: str) -> bytes | str | None:
    if body is None:
        return None
    if isinstance(body, bytes):
        try:
            return scrub_text(body.decode("utf-8"), *secrets).encode("utf-8")
        except UnicodeDecodeError:
            return body  # not text, so no key in it
    return scrub_text(body, *secrets)


def request_scrubber(base_url: str, *secrets: str) -> Any:
    """vcrpy ``before_record_request``: recorded URL rewritten to the replay base, headers allow-listed,
    body scrubbed. vcrpy hands it a copy, and applies it to live requests before matching too."""

    def scrub(request: Any) -> Any:
        if request.uri.startswith(base_url):
            request.uri = REPLAY_BASE_URL + request.uri[len(base_url) :]
        request.uri = scrub_text(request.uri, *secrets)
        request.headers = {k: v for k, v in request.headers.items() if k.lower() in KEPT_REQUEST_HEADERS}
        request.body = _scrub_body(request.body, *secrets)
        return request

    return scrub


def response_scrubber(*secrets: str) -> Any:
    """vcrpy ``before_record_response``: headers allow-listed, the body scrubbed (a new key's secret
    becomes the placeholder)."""

    def scrub(response: dict[str, Any]) -> dict[str, Any]:
        response["headers"] = {
            name: [scrub_text(v, *secrets) for v in values]
            for name, values in response["headers"].items()
            if name.lower() in KEPT_RESPONSE_HEADERS
        }
        response["body"]["string"] = _scrub_body(response["body"]["string"], *secrets)
        return response

    return scrub


def secret_findings(text: str) -> Iterator[str]:
    """Why ``text`` (a cassette file) is not clean: full keys, key-shaped strings other than the
    placeholder, bearer tokens, the replay key."""
    for match in FULL_KEY.finditer(text):
        yield f"a full key {match.group()[:12]}…"
    for match in KEY_SHAPED.finditer(text):
        if match.group() != PLACEHOLDER:
            yield f"a key-shaped string {match.group()[:12]}…"
    if re.search(r"(?i)bearer\s+\S", text):
        yield "a bearer token"
    if REPLAY_KEY in text:
        yield "the replay key"


def header_findings(cassette: dict[str, Any]) -> Iterator[str]:
    """Headers a cassette must not hold: credentials and cookies, in requests and responses."""
    for number, interaction in enumerate(cassette.get("interactions", []), 1):
        for side in ("request", "response"):
            for name in interaction[side].get("headers") or {}:
                if name.lower() in ("authorization", "cookie", "set-cookie", "x-api-key", "proxy-authorization"):
                    yield f"interaction {number}: {side} header {name}"
