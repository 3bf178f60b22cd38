"""When to retry a request and how long to wait first.

Only the decision lives here; the loop that sends requests is in ``http.py``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import Enum

import httpx

# 408 and 429 say the server did not process the request; 500/502/503/504 are usually transient.
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})

# A 429 is refused before anything happens, so even a create may be sent again after one.
NOT_PROCESSED_STATUSES = frozenset({429})


class TransportFailure(Enum):
    """What a transport error says about whether the server saw the request."""

    NOT_SENT = "not sent"  # the connection was never made: safe to retry any request
    MAYBE_SENT = "maybe sent"  # it broke after (part of) the request went out
    FATAL = "fatal"  # retrying cannot help (bad URL, protocol misuse)


def classify_transport_error(exc: httpx.TransportError) -> TransportFailure:
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout | httpx.ProxyError):
        return TransportFailure.NOT_SENT
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.LocalProtocolError):
        return TransportFailure.FATAL
    return TransportFailure.MAYBE_SENT


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date), or None."""
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # HTTP dates are GMT; be lenient with senders that omit the zone
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter; ``Retry-After`` wins when the server sends it."""

    max_retries: int = 4
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    rand: Callable[[], float] = field(default=random.random, repr=False)

    def delay(self, retry_number: int, retry_after: str | None = None) -> float:
        """Seconds to sleep before retry ``retry_number`` (1 for the first retry)."""
        hinted = parse_retry_after(retry_after)
        if hinted is not None:
            return min(hinted, self.backoff_max)
        ceiling = min(self.backoff_max, self.backoff_base * 2.0 ** (retry_number - 1))
        return ceiling * self.rand()
