"""Offset paging over a list endpoint, with guards against pages that repeat or skip items.

Offset paging is not a snapshot: a create or delete between two pages shifts every later item,
so a page can repeat an item or skip one. Repeats are caught by identity and items found after
the list's end by position; both fail with a clear error. ``total_count`` is not trusted to be
exact: it sizes how many pages are asked for at once, the list always ends at its first short
page, and a count that disagrees with the items read is reported as a warning, never a failure.

Two readers: :func:`collect_pages` (one page after another) and :class:`ConcurrentPages`
(pages in flight together, whether or not the list reports a total).
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from typing import Any

from openrouter_iac.client.error_map import malformed_error
from openrouter_iac.errors import MalformedResponseError

# Far beyond any real account; only there so a broken server cannot keep us paging forever.
MAX_ITEMS = 100_000

_RELIST_HINT = "the list changed while it was being read, or the server pages wrongly: run the command again"

Warn = Callable[[str], None]
Envelope = Mapping[str, Any]


def _identity(item: Mapping[str, Any]) -> str:
    value = item.get("id")
    if value.__class__ is str:  # nearly every item: a string id, or (keys) a string hash
        return "id:" + value
    if value is None:
        value = item.get("hash")
        if value.__class__ is str:
            return "hash:" + value
    for field in ("id", "hash"):
        value = item.get(field)
        if isinstance(value, str | int) and not isinstance(value, bool):
            return f"{field}:{value}"
    # Items without an identifier are compared whole.
    return "item:" + json.dumps(item, sort_keys=True, default=str)


def _malformed(resource: str, problem: str) -> MalformedResponseError:
    return MalformedResponseError(f"{resource}: {problem}", resource=resource, status=200, hint=_RELIST_HINT)


def _page_items(envelope: Any, resource: str) -> list[dict[str, Any]]:
    page = envelope.get("data") if isinstance(envelope, Mapping) else None
    if not isinstance(page, list) or not all(isinstance(item, dict) for item in page):
        raise malformed_error(resource=resource, status=200, problem="a `data` field that is not a list of objects")
    return page


def _total(envelope: Envelope) -> int | None:
    count = envelope.get("total_count")
    return count if isinstance(count, int) and not isinstance(count, bool) else None


class _Repeats:
    """Every identity seen so far; a second sighting is a repeated item."""

    def __init__(self, resource: str) -> None:
        self.resource = resource
        self.seen: set[str] = set()

    def check(self, offset: int, page: list[dict[str, Any]]) -> None:
        identities = [_identity(item) for item in page]
        if self.seen.isdisjoint(identities) and len(set(identities)) == len(identities):
            self.seen.update(identities)  # the usual page: no repeat (set operations, not a loop)
            return
        for item in page:
            identity = _identity(item)
            if identity in self.seen:
                raise _malformed(self.resource, f"page at offset {offset} repeats an item already listed ({identity})")
            self.seen.add(identity)


def _warn_on_total(totals: set[int], count: int, resource: str, warn: Warn | None) -> None:
    for total in sorted(totals - {count}):
        if warn is not None:
            warn(
                f"{resource}: the API reported total_count {total} but its pages listed {count} items; "
                f"orctl used the {count} listed (if the list changed during the read, run the command again)"
            )


def collect_pages(
    fetch: Callable[[int], Envelope], *, resource: str, page_size: int, warn: Warn | None = None
) -> list[dict[str, Any]]:
    """Call ``fetch(offset)`` until a page is shorter than ``page_size``; return every item.

    ``fetch`` returns the envelope ``{"data": [...], "total_count"?: int}``. Paging also stops
    when a full page brings the items to exactly ``total_count`` (no empty last request); a
    total the items disagree with goes to ``warn``.
    """
    items: list[dict[str, Any]] = []
    repeats = _Repeats(resource)
    totals: set[int] = set()
    while True:
        envelope = fetch(len(items))
        page = _page_items(envelope, resource)
        total = _total(envelope)
        if total is not None:
            totals.add(total)
        repeats.check(len(items), page)
        items.extend(page)
        if len(items) > MAX_ITEMS:
            raise _malformed(resource, f"more than {MAX_ITEMS} items; paging does not end")
        if len(page) < page_size or len(items) == total:
            break  # a total met exactly on a full page saves the empty last request
    _warn_on_total(totals, len(items), resource, warn)
    return items


class ConcurrentPages:
    """Every item of a list, with up to ``window`` pages in flight and no thread waiting.

    With ``total_count`` the offsets up to the total are asked for at once (``window`` at a
    time). Without it (`/keys`) offsets are asked for ahead of the last full page: one request
    first, one more in flight with every full page, up to ``window``; so a short list costs one
    call and a long one at most ``window - 1`` calls past its end. The list ends at its first
    short page (or on a full page that meets the first page's total exactly, which saves the
    empty last call); a page longer than asked (a server with its own page size) makes the rest of the
    list read one page after another, from where the items actually end.

    ``submit(offset, follow_up)`` starts one request and returns its future; ``fetch_now(offset)``
    makes one request on the calling thread (only for that fallback).
    """

    def __init__(
        self,
        submit: Callable[[int, bool], Future[Any]],
        fetch_now: Callable[[int], Envelope],
        *,
        resource: str,
        page_size: int,
        window: int,
        warn: Warn | None = None,
        max_items: int = MAX_ITEMS,
    ) -> None:
        self._submit, self._fetch_now = submit, fetch_now
        self.resource, self.page_size, self.window = resource, page_size, max(1, window)
        self._warn, self._max_items = warn, max_items
        self.outcome: Future[list[dict[str, Any]]] = Future()
        self.calls = 0
        self._lock = threading.Lock()
        self._envelopes: dict[int, Envelope] = {}
        self._pages: dict[int, list[dict[str, Any]]] = {}
        self._totals: set[int] = set()
        self._next = 0
        self._in_flight = 0
        self._limit = 1
        self._end: int | None = None  # offset of the first short page
        self._planned: int | None = None  # last offset the total says holds items (None: no total)
        self._first_total: int | None = None  # the first page's total_count
        self._oversized = False
        self._done = False
        self._repeats = _Repeats(resource)
        self._checked = 0  # pages are checked for repeats in offset order, as they would be read

    def start(self) -> Future[list[dict[str, Any]]]:
        self._issue(self._plan())
        return self.outcome

    # -- under the lock ------------------------------------------------------------------------

    def _plan(self) -> list[int]:
        """Offsets to ask for now (and counted as in flight)."""
        with self._lock:
            offsets = []
            limit = self.window if self._planned is not None else self._limit
            while (
                not self._done
                and not self._oversized
                and self._end is None
                and self._in_flight < limit
                and self._next <= self._max_items
                and (self._planned is None or self._next <= self._planned)
            ):
                offsets.append(self._next)
                self._next += self.page_size
                self._in_flight += 1
            self.calls += len(offsets)
            return offsets

    def _record(self, offset: int, envelope: Envelope, page: list[dict[str, Any]]) -> bool:
        """Keep one page; True when the list is complete (or cannot go on)."""
        with self._lock:
            self._in_flight -= 1
            self._envelopes[offset] = envelope
            self._pages[offset] = page
            total = _total(envelope)
            if total is not None:
                self._totals.add(total)
                if offset == 0:
                    self._first_total = total
                if offset == 0 and len(page) < total <= self._max_items:
                    # The total says where the items end: ask for those pages without waiting on
                    # each other. An absurd total is not followed: the list is then read as one
                    # without a total, to its short page.
                    self._planned = (total - 1) // self.page_size * self.page_size
            if len(page) > self.page_size:
                self._oversized = True
            elif len(page) < self.page_size:
                self._end = offset if self._end is None else min(self._end, offset)
            elif offset + self.page_size == self._first_total:
                self._end = offset + self.page_size  # the total met on a full page: no empty page to ask for
            else:
                self._limit = min(self.window, self._limit + 1)
                if self._planned is not None and offset >= self._planned:
                    self._planned = None  # more items than the total said: read on as without one
            while self._checked in self._pages and not self._oversized:
                self._repeats.check(self._checked, self._pages[self._checked])  # raises at the first repeat
                self._checked += self.page_size
            stuck = self._end is None and not self._oversized and self._next > self._max_items
            return self._in_flight == 0 and (self._end is not None or self._oversized or stuck)

    # -- callbacks -----------------------------------------------------------------------------

    def _issue(self, offsets: list[int]) -> None:
        for offset in offsets:
            future = self._submit(offset, offset > 0)
            future.add_done_callback(functools.partial(self._on_page, offset))

    def _on_page(self, offset: int, done: Future[Any]) -> None:
        try:
            envelope = done.result()
            page = _page_items(envelope, self.resource)
            if self._record(offset, envelope, page):
                self._finish()
                return
            offsets = self._plan()
            if offsets:
                self._issue(offsets)
            elif self._idle():
                self._finish()  # nothing in flight and nothing more to ask for
        except BaseException as exc:  # handed to whoever waits on the outcome
            self._fail(exc)

    def _idle(self) -> bool:
        with self._lock:
            return self._in_flight == 0

    def _claim(self) -> bool:
        """True for the one caller that completes the outcome."""
        with self._lock:
            if self._done:
                return False
            self._done = True
            return True

    def _fail(self, exc: BaseException) -> None:
        if self._claim():
            self.outcome.set_exception(exc)

    def _finish(self) -> None:
        if not self._claim():
            return
        try:
            self.outcome.set_result(self._assemble())
        except BaseException as exc:
            self.outcome.set_exception(exc)

    def _assemble(self) -> list[dict[str, Any]]:
        if self._oversized:
            # Offsets were page_size apart but pages are longer: read on from where items end.
            envelopes = self._envelopes
            return collect_pages(
                lambda offset: envelopes[offset] if offset == 0 else self._fetch_now(offset),
                resource=self.resource,
                page_size=self.page_size,
                warn=self._warn,
            )
        if self._end is None:
            raise _malformed(self.resource, f"more than {self._max_items} items; paging does not end")
        ordered = sorted(self._pages.items())
        after_end = [offset for offset, page in ordered if offset > self._end and page]
        if after_end:
            raise _malformed(
                self.resource,
                f"the page at offset {after_end[0]} has items although the list ended at offset {self._end}",
            )
        items = [item for offset, page in ordered if offset <= self._end for item in page]
        _warn_on_total(self._totals, len(items), self.resource, self._warn)
        return items
