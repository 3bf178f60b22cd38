"""Offset paging: until a short page, /keys without `limit`, and repeated or skipped items caught."""

from __future__ import annotations

import httpx
import pytest
from client_support import json_response

from openrouter_iac.errors import MalformedResponseError


def pager(items, *, total=True, fixed_page=None):
    """A server that pages ``items`` by offset/limit, like the management API."""

    def handle(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params.get("offset", 0))
        limit = fixed_page or int(request.url.params.get("limit", 50))
        body = {"data": items[offset : offset + limit]}
        if total:
            body["total_count"] = len(items)
        return json_response(200, body)

    return handle


def offsets(h):
    return [(r.url.params.get("offset"), r.url.params.get("limit")) for r in h.script.requests]


def test_pages_until_a_short_page(harness):
    items = [{"id": str(i)} for i in range(7)]
    h = harness(*[pager(items, total=False)] * 3)
    assert h.client.list_all("/guardrails", resource="guardrails", page_size=3) == items
    assert offsets(h) == [("0", "3"), ("3", "3"), ("6", "3")]


def test_a_full_last_page_needs_one_empty_page_without_total_count(harness):
    items = [{"id": str(i)} for i in range(4)]
    h = harness(*[pager(items, total=False)] * 3)
    assert h.client.list_all("/guardrails", resource="guardrails", page_size=2) == items
    assert offsets(h) == [("0", "2"), ("2", "2"), ("4", "2")]


def test_total_count_saves_the_empty_last_request(harness):
    items = [{"id": str(i)} for i in range(4)]
    h = harness(*[pager(items)] * 2)
    warnings: list[str] = []
    assert h.client.list_all("/workspaces", resource="workspaces", page_size=2, warn=warnings.append) == items
    assert len(h.script.requests) == 2 and warnings == []


def test_empty_list(harness):
    h = harness(json_response(200, {"data": [], "total_count": 0}))
    assert h.client.list_all("/byok", resource="BYOK credentials") == []


def test_filters_are_kept_and_paging_params_replaced(harness):
    h = harness(pager([{"id": "a"}]))
    h.client.list_all("/byok", params={"workspace_id": "w1", "offset": 99, "limit": 7}, resource="BYOK")
    assert dict(h.script.requests[0].url.params) == {"workspace_id": "w1", "offset": "0", "limit": "100"}


def test_keys_are_paged_by_offset_only_in_pages_of_100(harness):
    keys = [{"hash": f"{i:064x}"} for i in range(150)]
    h = harness(*[pager(keys, total=False, fixed_page=100)] * 2)
    listed = h.client.list_all("/keys", params={"include_disabled": True}, resource="API keys", page_size=10)
    assert listed == keys
    assert [dict(r.url.params) for r in h.script.requests] == [
        {"include_disabled": "true", "offset": "0"},
        {"include_disabled": "true", "offset": "100"},
    ]


def test_a_page_that_repeats_items_is_refused(harness):
    # A server that ignores `offset` would otherwise be paged forever.
    page = {"data": [{"id": "a"}, {"id": "b"}]}
    h = harness(json_response(200, page), json_response(200, page))
    with pytest.raises(MalformedResponseError) as info:
        h.client.list_all("/guardrails", resource="guardrails in workspace 'prod'", page_size=2)
    assert str(info.value) == (
        "guardrails in workspace 'prod': page at offset 2 repeats an item already listed (id:a)\n"
        "  hint: the list changed while it was being read, or the server pages wrongly: run the command again"
    )


def test_repeated_keys_are_caught_by_hash(harness):
    page = {"data": [{"hash": f"{i:064x}"} for i in range(100)]}
    h = harness(json_response(200, page), json_response(200, page))
    with pytest.raises(MalformedResponseError, match="repeats an item already listed"):
        h.client.list_all("/keys", resource="API keys")


def test_items_without_an_id_are_compared_whole(harness):
    page = {"data": [{"user_id": "u1"}]}
    h = harness(json_response(200, page), json_response(200, page))
    with pytest.raises(MalformedResponseError, match="repeats"):
        h.client.list_all("/organization/members", resource="members", page_size=1)


def test_a_skipped_item_shows_in_total_count_as_a_warning(harness):
    # Someone deleted an item between the two pages: item 2 slid into page one and was skipped.
    h = harness(
        json_response(200, {"data": [{"id": "0"}, {"id": "1"}], "total_count": 5}),
        json_response(200, {"data": [{"id": "3"}, {"id": "4"}], "total_count": 5}),
        json_response(200, {"data": [], "total_count": 5}),
    )
    warnings: list[str] = []
    listed = h.client.list_all("/workspaces", resource="workspaces", page_size=2, warn=warnings.append)
    assert [item["id"] for item in listed] == ["0", "1", "3", "4"]
    assert warnings == [
        "workspaces: the API reported total_count 5 but its pages listed 4 items; orctl used the 4 listed "
        "(if the list changed during the read, run the command again)"
    ]


def test_total_count_smaller_than_the_items_is_a_warning(harness):
    h = harness(json_response(200, {"data": [{"id": "0"}, {"id": "1"}], "total_count": 1}))
    warnings: list[str] = []
    listed = h.client.list_all("/workspaces", resource="workspaces", page_size=5, warn=warnings.append)
    assert len(listed) == 2
    assert warnings and "total_count 1 but its pages listed 2 items" in warnings[0]


def test_data_that_is_not_a_list_is_malformed(harness):
    h = harness(json_response(200, {"data": {"id": "x"}}))
    with pytest.raises(MalformedResponseError, match="a `data` field that is not a list of objects"):
        h.client.list_all("/workspaces", resource="workspaces")


def test_page_size_is_checked(harness):
    h = harness()
    with pytest.raises(ValueError):
        h.client.list_all("/workspaces", resource="workspaces", page_size=101)
