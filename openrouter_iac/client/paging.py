"""Offset paging over a list endpoint, with guards against pages that repeat or skip items.

Offset paging is not a snapshot: a create or delete between two pages shifts every later item,
so a page can repeat an item or skip one. Both are detected (repeats by identity, skips through
``total_count``) and reported rather than silently giving a wrong picture of the account.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from openrouter_iac.client.error_map import malformed_error
from openrouter_iac.errors import MalformedResponseError

# Far beyond any real account; only there so a broken server cannot keep us paging forever.
MAX_ITEMS = 100_000

_RELIST_HINT = "the list changed while it was being read, or the server pages wrongly: run the command again"


def _identity(item: Mapping[str, Any]) -> str:
    for field in ("id", "hash"):
        value = item.get(field)
        if isinstance(value, str | int) and not isinstance(value, bool):
            return f"{field}:{value}"
    # Items without an identifier are compared whole.
    return "item:" + json.dumps(item, sort_keys=True, default=str)


def _malformed(resource: str, problem: str) -> MalformedResponseError:
    return MalformedResponseError(f"{resource}: {problem}", resource=resource, status=200, hint=_RELIST_HINT)


def collect_pages(fetch: Callable[[int], Mapping[str, Any]], *, resource: str, page_size: int) -> list[dict[str, Any]]:
    """Call ``fetch(offset)`` until a page is shorter than ``page_size``; return every item.

    ``fetch`` returns the envelope ``{"data": [...], "total_count"?: int}``. Paging also stops
    once ``total_count`` items are in hand, which saves the empty last request.
    """
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    total_count: int | None = None
    while True:
        envelope = fetch(len(items))
        page = envelope.get("data")
        if not isinstance(page, list) or not all(isinstance(item, dict) for item in page):
            raise malformed_error(resource=resource, status=200, problem="a `data` field that is not a list of objects")
        count = envelope.get("total_count")
        if isinstance(count, int) and not isinstance(count, bool):
            total_count = count
        for item in page:
            identity = _identity(item)
            if identity in seen:
                raise _malformed(resource, f"page at offset {len(items)} repeats an item already listed ({identity})")
            seen.add(identity)
        items.extend(page)
        if len(items) > MAX_ITEMS:
            raise _malformed(resource, f"more than {MAX_ITEMS} items; paging does not end")
        if len(page) < page_size or (total_count is not None and len(items) >= total_count):
            break
    if total_count is not None and total_count != len(items):
        raise _malformed(resource, f"collected {len(items)} items but the API's total_count is {total_count}")
    return items
