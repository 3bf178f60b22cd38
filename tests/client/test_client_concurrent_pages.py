"""ConcurrentPages: every item of a list with pages in flight together, with or without a total.

A fake server pages a list of items the way the API does; requests run on a real thread pool
so the window, the order checks and the end detection are exercised concurrently."""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pytest

from openrouter_iac.client.paging import ConcurrentPages
from openrouter_iac.errors import MalformedResponseError


class Server:
    def __init__(
        self, items: list[dict[str, Any]], *, total: Any = "exact", page: int = 100, overlap: tuple[int, int] = (0, 0)
    ) -> None:
        self.items, self.total, self.page = items, total, page
        self.offsets: list[int] = []
        self.in_flight = self.most_in_flight = 0
        self.lock = threading.Lock()
        # ``overlap=(n, offset)``: answers from that offset on wait until n requests are in flight
        # at once (then none waits), so a window that has grown is seen however a loaded machine
        # schedules the threads (a short sleep alone left the overlap to chance).
        self.overlapped = threading.Event()
        self.overlap, self.hold_from = overlap
        self.read_over = threading.Event()  # set once the read has its outcome

    def answer(self, offset: int) -> dict[str, Any]:
        with self.lock:
            self.offsets.append(offset)
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            if self.in_flight >= self.overlap:
                self.overlapped.set()
        if offset >= self.hold_from and self.overlap:
            self.overlapped.wait(timeout=30)
        time.sleep(0.002)  # let requests overlap
        with self.lock:
            self.in_flight -= 1
        body: dict[str, Any] = {"data": self.items[offset : offset + self.page]}
        if self.total == "exact":
            body["total_count"] = len(self.items)
        elif self.total is not None:
            body["total_count"] = self.total
        return body


def read(
    server: Server, *, window: int = 10, fallback: bool = False, max_items: int = 100_000
) -> tuple[list[Any], list[str]]:
    warnings: list[str] = []
    with ThreadPoolExecutor(max_workers=window) as pool:

        def submit(offset: int, follow_up: bool) -> Future[Any]:
            return pool.submit(server.answer, offset)

        pages = ConcurrentPages(
            submit, server.answer, resource="things", page_size=100, window=window, warn=warnings.append,
            max_items=max_items,
        )  # fmt: skip
        outcome = pages.start()
        outcome.add_done_callback(lambda _: server.read_over.set())
        items = outcome.result(timeout=30)
    assert pages.calls == len(server.offsets) or fallback  # the fallback's calls are not counted
    return items, warnings


def items(n: int) -> list[dict[str, Any]]:
    return [{"id": f"i-{k}"} for k in range(n)]


def test_a_short_list_without_a_total_costs_one_call() -> None:
    server = Server(items(42), total=None)
    assert read(server) == (items(42), [])
    assert server.offsets == [0]


def test_a_long_list_without_a_total_keeps_a_window_in_flight() -> None:
    server = Server(items(2050), total=None, overlap=(3, 1000))
    listed, warnings = read(server, window=8)
    assert listed == items(2050) and warnings == []
    offsets = sorted(server.offsets)
    assert offsets[:21] == list(range(0, 2100, 100))
    assert len(offsets) == len(set(offsets)) <= 21 + 7  # at most window - 1 past the end
    assert 2 < server.most_in_flight <= 8


def test_a_list_with_a_total_asks_for_its_pages_at_once() -> None:
    server = Server(items(950))
    assert read(server) == (items(950), [])
    assert sorted(server.offsets) == list(range(0, 1000, 100))  # no call past the end


def test_a_total_on_a_page_boundary_saves_the_empty_last_page() -> None:
    server = Server(items(300))
    assert read(server) == (items(300), [])
    assert sorted(server.offsets) == [0, 100, 200]
    one_page = Server(items(100))
    assert read(one_page) == (items(100), [])
    assert one_page.offsets == [0]


def test_a_total_below_the_items_is_a_warning_and_every_item_is_read() -> None:
    server = Server(items(450), total=120)
    listed, warnings = read(server)
    assert listed == items(450)
    assert warnings == [
        "things: the API reported total_count 120 but its pages listed 450 items; orctl used the 450 listed "
        "(if the list changed during the read, run the command again)"
    ]


def test_an_absurd_total_is_a_warning_after_a_bounded_number_of_calls() -> None:
    server = Server(items(250), total=10**9)
    listed, warnings = read(server, window=10)
    assert listed == items(250)
    assert "total_count 1000000000 but its pages listed 250 items" in warnings[0]
    assert len(server.offsets) <= 3 + 9


def test_pages_that_never_end_stop_at_the_item_bound() -> None:
    class Endless(Server):
        def answer(self, offset: int) -> dict[str, Any]:
            with self.lock:
                self.offsets.append(offset)
            return {"data": [{"id": f"i-{offset + k}"} for k in range(100)], "total_count": 10**9}

    server = Endless([])
    with pytest.raises(MalformedResponseError, match="things: more than 5000 items; paging does not end"):
        read(server, max_items=5000)
    assert len(server.offsets) <= 51 + 10


def test_a_page_that_repeats_an_earlier_one_is_named_by_its_offset() -> None:
    class Repeating(Server):
        def answer(self, offset: int) -> dict[str, Any]:
            super().answer(offset)
            if offset > 100:
                # Pages past the repeat answer only once the read is over: while the thread that
                # has page 100 waits for a core, the others would go on asking (35 calls once).
                self.read_over.wait(timeout=30)
            return {"data": self.items[0:100]}  # ignores offset

    server = Repeating(items(1000), total=None)
    with pytest.raises(MalformedResponseError) as info:
        read(server)
    assert info.value.message == "things: page at offset 100 repeats an item already listed (id:i-0)"
    assert len(server.offsets) < 20  # stopped early, not at the item bound


def test_items_after_the_end_mean_the_list_changed() -> None:
    class Shifting(Server):
        def answer(self, offset: int) -> dict[str, Any]:
            body = super().answer(offset)
            if offset == 100:
                body["data"] = body["data"][:50]  # a short page in the middle
            return body

    server = Shifting(items(500), total=None)
    with pytest.raises(MalformedResponseError, match="has items although the list ended at offset 100"):
        read(server)


def test_pages_longer_than_asked_are_read_on_from_where_items_end() -> None:
    server = Server(items(450), total=None, page=200)  # a server with its own, larger page size
    listed, warnings = read(server, fallback=True)
    assert listed == items(450) and warnings == []


def test_a_failed_page_fails_the_list() -> None:
    class Failing(Server):
        def answer(self, offset: int) -> dict[str, Any]:
            if offset == 300:
                raise RuntimeError("boom")
            return super().answer(offset)

    with pytest.raises(RuntimeError, match="boom"):
        read(Failing(items(1000), total=None))


def test_a_page_that_is_not_a_list_is_malformed() -> None:
    class Garbage(Server):
        def answer(self, offset: int) -> dict[str, Any]:
            return {"data": {"id": "x"}}

    with pytest.raises(MalformedResponseError, match="a `data` field that is not a list of objects"):
        read(Garbage([]))
