"""Fault injection: latency, throttling, server errors, lost responses and a request-rate limit.

A :class:`FaultConfig` holds a list of :class:`FaultRule`; each rule matches requests by method,
path prefix (relative to ``/api/v1``) or exact operation (``"POST /keys"``) and says what goes
wrong. Randomness comes from one seeded generator, so a given seed and request order always
produce the same faults; with ``per_request`` each request draws from its own generator, seeded
by the seed, its operation, its query and how many such requests came before, so concurrent
clients get the same faults whatever order their requests arrive in. ``drop_nth`` needs no
randomness at all ("the 2nd POST /keys loses its response after committing"), nor do the stalls
(``stall_nth``: "hold the 5th write before it runs", ``stall_committed_nth``: "run the 5th write,
then hold its answer"), which let a test kill a client at an exact point of its writes.

Order per request: latency (sleep), the request-rate limit, then each matching rule's 429 and
5xx draws (refused before anything is written); after the handler has run, writes may be
dropped (committed, but the client never gets the response), and a list's ``total_count`` may be
skewed (``total_count_skew``: a count that disagrees with the items the pages deliver). A rule
may also refuse what it matches with 403 (``forbid``), or leave workspace default guardrails out
of list answers (``hide_default_guardrails``).
"""

from __future__ import annotations

import hashlib
import math
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from openrouter_iac.emulator.errors import STATUS_TEXT, error_body
from openrouter_iac.emulator.wire import Response

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_ERROR_STATUSES = frozenset({500, 502, 503})


class FaultConfigError(ValueError):
    """A fault configuration is malformed; the message names the field."""


@dataclass(frozen=True)
class FaultRule:
    methods: frozenset[str] | None = None  # None: any method
    path_prefix: str | None = None  # relative to /api/v1, e.g. "/keys"
    operation: str | None = None  # exact "METHOD /template", e.g. "PATCH /guardrails/{id}"
    latency_ms: float = 0.0
    throttle_rate: float = 0.0  # fraction answered 429 with Retry-After
    retry_after_s: int = 1
    error_rate: float = 0.0  # fraction answered with one of error_statuses
    error_statuses: tuple[int, ...] = (500, 502, 503)
    drop_rate: float = 0.0  # fraction of matching writes committed, then the response is lost
    drop_next: int = 0  # the next N matching writes are committed, then lost
    drop_nth: tuple[int, ...] = ()  # 1-based positions among matching writes to commit, then lose
    # 1-based positions among matching writes to hold, before they run (then answered 503 unrun) or
    # after they committed (then answered), until the faults are configured again or stall_s passes.
    stall_nth: tuple[int, ...] = ()
    stall_committed_nth: tuple[int, ...] = ()
    stall_s: float = 120.0
    # Added to the ``total_count`` of matching list answers: a count the pages do not deliver
    # (positive: more than exist; negative: fewer; never below 0). The items are unchanged.
    total_count_skew: int = 0
    # Matching requests are answered 403 before the handler runs, as for a key without the scope
    # (e.g. "GET /byok"): how a client reports a refused read.
    forbid: bool = False
    # Matching list answers leave out workspace default guardrails (the spec does not promise to
    # list them): a client must read one by id.
    hide_default_guardrails: bool = False

    def matches(self, method: str, path: str, operation: str) -> bool:
        if self.methods is not None and method not in self.methods:
            return False
        if self.path_prefix is not None and not path.startswith(self.path_prefix):
            return False
        return self.operation is None or self.operation == operation

    def validate(self) -> None:
        for name in ("throttle_rate", "error_rate", "drop_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise FaultConfigError(f"{name} must be between 0 and 1, got {value}")
        if self.latency_ms < 0:
            raise FaultConfigError(f"latency_ms must be >= 0, got {self.latency_ms}")
        if self.retry_after_s < 0:
            raise FaultConfigError(f"retry_after_s must be >= 0, got {self.retry_after_s}")
        if self.drop_next < 0:
            raise FaultConfigError(f"drop_next must be >= 0, got {self.drop_next}")
        for name in ("drop_nth", "stall_nth", "stall_committed_nth"):
            if any(n < 1 for n in getattr(self, name)):
                raise FaultConfigError(f"{name} positions start at 1, got {list(getattr(self, name))}")
        if self.stall_s < 0:
            raise FaultConfigError(f"stall_s must be >= 0, got {self.stall_s}")
        if not self.error_statuses or not set(self.error_statuses) <= _ERROR_STATUSES:
            raise FaultConfigError(
                f"error_statuses must be a non-empty subset of 500, 502, 503, got {self.error_statuses}"
            )
        if self.path_prefix is not None and not self.path_prefix.startswith("/"):
            raise FaultConfigError(f"path_prefix must start with '/', got {self.path_prefix!r}")

    def to_json(self) -> dict[str, Any]:
        return {
            "methods": sorted(self.methods) if self.methods is not None else None,
            "path_prefix": self.path_prefix,
            "operation": self.operation,
            "latency_ms": self.latency_ms,
            "throttle_rate": self.throttle_rate,
            "retry_after_s": self.retry_after_s,
            "error_rate": self.error_rate,
            "error_statuses": list(self.error_statuses),
            "drop_rate": self.drop_rate,
            "drop_next": self.drop_next,
            "drop_nth": list(self.drop_nth),
            "stall_nth": list(self.stall_nth),
            "stall_committed_nth": list(self.stall_committed_nth),
            "stall_s": self.stall_s,
            "total_count_skew": self.total_count_skew,
            "forbid": self.forbid,
            "hide_default_guardrails": self.hide_default_guardrails,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FaultRule:
        known = set(cls.__dataclass_fields__)
        unknown = set(data) - known
        if unknown:
            raise FaultConfigError(f"unknown fault rule field(s): {', '.join(sorted(unknown))}")
        kwargs: dict[str, Any] = {}
        try:
            if data.get("methods") is not None:
                kwargs["methods"] = frozenset(str(m).upper() for m in data["methods"])
            for name in ("path_prefix", "operation"):
                if data.get(name) is not None:
                    kwargs[name] = str(data[name])
            for name in ("latency_ms", "throttle_rate", "error_rate", "drop_rate", "stall_s"):
                if name in data:
                    kwargs[name] = float(data[name])
            for name in ("retry_after_s", "drop_next", "total_count_skew"):
                if name in data:
                    kwargs[name] = int(data[name])
            if "error_statuses" in data:
                kwargs["error_statuses"] = tuple(int(s) for s in data["error_statuses"])
            for name in ("drop_nth", "stall_nth", "stall_committed_nth"):
                if name in data:
                    kwargs[name] = tuple(int(n) for n in data[name])
            for name in ("forbid", "hide_default_guardrails"):
                if name in data:
                    if not isinstance(data[name], bool):
                        raise ValueError(f"{name} must be true or false, got {data[name]!r}")
                    kwargs[name] = data[name]
        except (TypeError, ValueError) as exc:
            raise FaultConfigError(f"malformed fault rule: {exc}") from None
        rule = cls(**kwargs)
        rule.validate()
        return rule


@dataclass(frozen=True)
class FaultConfig:
    rules: tuple[FaultRule, ...] = ()
    rps_limit: float | None = None  # token bucket over all /api/v1 requests
    burst: int | None = None  # bucket size; defaults to max(1, ceil(rps_limit))
    seed: int | None = None
    per_request: bool = False  # each request draws from its own seeded generator (order-independent)

    @classmethod
    def single(
        cls,
        *,
        rps_limit: float | None = None,
        burst: int | None = None,
        seed: int | None = None,
        per_request: bool = False,
        **rule: Any,
    ) -> FaultConfig:
        """One rule built from keyword arguments, e.g. ``FaultConfig.single(drop_nth=(2,), operation="POST /keys")``."""
        if "methods" in rule and rule["methods"] is not None:
            rule["methods"] = frozenset(m.upper() for m in rule["methods"])
        built = FaultRule(**rule)
        config = cls(
            rules=(built,) if built != FaultRule() else (),
            rps_limit=rps_limit,
            burst=burst,
            seed=seed,
            per_request=per_request,
        )
        config.validate()
        return config

    def validate(self) -> None:
        for rule in self.rules:
            rule.validate()
        if self.rps_limit is not None and self.rps_limit <= 0:
            raise FaultConfigError(f"rps_limit must be > 0, got {self.rps_limit}")
        if self.burst is not None and self.burst < 1:
            raise FaultConfigError(f"burst must be >= 1, got {self.burst}")

    def to_json(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "per_request": self.per_request,
            "rps_limit": self.rps_limit,
            "burst": self.burst,
            "rules": [r.to_json() for r in self.rules],
        }

    @classmethod
    def from_json(cls, data: Any) -> FaultConfig:
        if not isinstance(data, Mapping):
            raise FaultConfigError("fault configuration must be a JSON object")
        unknown = set(data) - {"seed", "per_request", "rps_limit", "burst", "rules"}
        if unknown:
            raise FaultConfigError(f"unknown fault configuration field(s): {', '.join(sorted(unknown))}")
        rules = data.get("rules") or []
        if not isinstance(rules, list) or not all(isinstance(r, Mapping) for r in rules):
            raise FaultConfigError("rules must be a list of objects")
        try:
            config = cls(
                rules=tuple(FaultRule.from_json(r) for r in rules),
                rps_limit=None if data.get("rps_limit") is None else float(data["rps_limit"]),
                burst=None if data.get("burst") is None else int(data["burst"]),
                seed=None if data.get("seed") is None else int(data["seed"]),
                per_request=bool(data.get("per_request", False)),
            )
        except (TypeError, ValueError) as exc:
            raise FaultConfigError(f"malformed fault configuration: {exc}") from None
        config.validate()
        return config


@dataclass
class _RuleCounters:
    writes_seen: int = 0
    drop_next_left: int = 0
    writes_started: int = 0  # matching writes that reached the fault checks (for stall_nth)
    stalled: int = 0  # requests held by a stall, ever (a test waits for it, then kills the client)


@dataclass
class Verdict:
    latency_s: float = 0.0
    response: Response | None = None  # answered without running the handler
    fault: str | None = None  # "throttled" | "rate_limited" | "error" | "forbidden"
    rules: list[int] = field(default_factory=list)  # indexes of matching rules
    stall_s: float = 0.0  # hold the request this long (or until reconfigured), then answer 503 unrun
    draws: random.Random | None = None  # this request's own generator (``per_request``)


class FaultInjector:
    """Applies a :class:`FaultConfig`; thread-safe. ``configure`` resets counters and the RNG."""

    def __init__(
        self,
        config: FaultConfig | None = None,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self._monotonic = monotonic
        self._wall = wall
        self._lock = threading.Lock()
        self.configure(config or FaultConfig())

    def configure(self, config: FaultConfig) -> None:
        config.validate()
        with self._lock:
            self._config = config
            self._random = random.Random(config.seed)
            self._counters = [_RuleCounters(drop_next_left=r.drop_next) for r in config.rules]
            self._tokens = float(self._capacity(config))
            self._refilled_at = self._monotonic()
            self._seen: Counter[tuple[str, str]] = Counter()
            # Configuring again releases every request a stall holds.
            released = getattr(self, "_release", None)
            if released is not None:
                released.set()
            self._release = threading.Event()

    @property
    def config(self) -> FaultConfig:
        with self._lock:
            return self._config

    def counters(self) -> list[dict[str, int]]:
        with self._lock:
            return [
                {
                    "writes_seen": c.writes_seen,
                    "drop_next_left": c.drop_next_left,
                    "writes_started": c.writes_started,
                    "stalled": c.stalled,
                }
                for c in self._counters
            ]

    def hold(self, seconds: float) -> None:
        """Block the calling request (outside every lock) until configured again or ``seconds`` pass."""
        with self._lock:
            release = self._release
        release.wait(seconds)

    @staticmethod
    def _capacity(config: FaultConfig) -> int:
        if config.rps_limit is None:
            return 0
        return config.burst or max(1, math.ceil(config.rps_limit))

    def before(self, method: str, path: str, operation: str, query: Mapping[str, list[str]] | None = None) -> Verdict:
        """Decide latency and any refusal for a request, before the handler runs."""
        with self._lock:
            config = self._config
            verdict = Verdict()
            verdict.rules = [i for i, r in enumerate(config.rules) if r.matches(method, path, operation)]
            verdict.latency_s = sum(config.rules[i].latency_ms for i in verdict.rules) / 1000.0
            draws = self._random
            if config.per_request:
                canonical = "&".join(f"{k}={v}" for k, values in sorted((query or {}).items()) for v in values)
                draws = verdict.draws = self._request_draws(config.seed, operation, canonical)
            if method in WRITE_METHODS:
                for i in verdict.rules:
                    rule, counters = config.rules[i], self._counters[i]
                    counters.writes_started += 1
                    if counters.writes_started in rule.stall_nth:
                        counters.stalled += 1
                        verdict.stall_s = max(verdict.stall_s, rule.stall_s)
                if verdict.stall_s:
                    return verdict
            if config.rps_limit is not None:
                limited = self._take_token(config)
                if limited is not None:
                    verdict.response, verdict.fault = limited, "rate_limited"
                    return verdict
            for i in verdict.rules:
                rule = config.rules[i]
                if rule.forbid:
                    message = f"Forbidden: this key is not allowed to call {operation}"
                    verdict.response = Response.json(403, error_body(403, message))
                    verdict.fault = "forbidden"
                    return verdict
                if rule.throttle_rate and draws.random() < rule.throttle_rate:
                    verdict.response = _throttled(rule.retry_after_s, self._wall())
                    verdict.fault = "throttled"
                    return verdict
                if rule.error_rate and draws.random() < rule.error_rate:
                    status = draws.choice(rule.error_statuses)
                    headers = {"retry-after": str(rule.retry_after_s)} if status == 503 else {}
                    verdict.response = Response.json(status, error_body(status, STATUS_TEXT[status]), headers)
                    verdict.fault = "error"
                    return verdict
            return verdict

    def total_count_skew(self, rules: list[int]) -> int:
        with self._lock:
            return sum(self._config.rules[i].total_count_skew for i in rules if i < len(self._config.rules))

    def hides_default_guardrails(self, rules: list[int]) -> bool:
        with self._lock:
            return any(self._config.rules[i].hide_default_guardrails for i in rules if i < len(self._config.rules))

    def _request_draws(self, seed: int | None, operation: str, query: str) -> random.Random:
        """A generator for one request: the same for the n-th request of an operation and query."""
        self._seen[(operation, query)] += 1
        text = f"{seed}|{operation}|{query}|{self._seen[(operation, query)]}"
        return random.Random(int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big"))

    def drop_after_commit(self, method: str, rules: list[int], draws: random.Random | None = None) -> bool:
        """For a write that has run: should its response be lost? Counts matching writes."""
        if method not in WRITE_METHODS:
            return False
        drop = False
        with self._lock:
            draws = draws or self._random
            for i in rules:
                if i >= len(self._counters):
                    continue  # reconfigured mid-request
                rule, counters = self._config.rules[i], self._counters[i]
                counters.writes_seen += 1
                if counters.writes_seen in rule.drop_nth:
                    drop = True
                if counters.drop_next_left > 0:
                    counters.drop_next_left -= 1
                    drop = True
                if rule.drop_rate and draws.random() < rule.drop_rate:
                    drop = True
        return drop

    def stall_after_commit(self, method: str, rules: list[int]) -> float:
        """For a write that has run (and been counted): how long to hold its answer (0: not)."""
        if method not in WRITE_METHODS:
            return 0.0
        hold = 0.0
        with self._lock:
            for i in rules:
                if i >= len(self._counters):
                    continue
                rule, counters = self._config.rules[i], self._counters[i]
                if counters.writes_seen in rule.stall_committed_nth:
                    counters.stalled += 1
                    hold = max(hold, rule.stall_s)
        return hold

    def _take_token(self, config: FaultConfig) -> Response | None:
        assert config.rps_limit is not None
        capacity = self._capacity(config)
        now = self._monotonic()
        self._tokens = min(capacity, self._tokens + (now - self._refilled_at) * config.rps_limit)
        self._refilled_at = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return None
        wait = (1.0 - self._tokens) / config.rps_limit
        retry_after = max(1, math.ceil(wait))
        reset_ms = int((self._wall() + wait) * 1000)
        headers = {
            "retry-after": str(retry_after),
            "x-ratelimit-limit": str(capacity),
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset": str(reset_ms),
        }
        body = error_body(429, "Rate limit exceeded", {"error_type": "rate_limit_exceeded"})
        return Response.json(429, body, headers)


def _throttled(retry_after_s: int, wall_now: float) -> Response:
    headers = {
        "retry-after": str(retry_after_s),
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": str(int((wall_now + retry_after_s) * 1000)),
    }
    body = error_body(429, "Rate limit exceeded", {"error_type": "rate_limit_exceeded"})
    return Response.json(429, body, headers)
