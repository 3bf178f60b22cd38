"""The apply context's ids can be walked while parallel workers add and drop ids."""

from __future__ import annotations

import threading

from openrouter_iac.live.writer import ApplyContext


def test_walking_the_ids_while_workers_write_them_never_fails() -> None:
    context = ApplyContext({f"api_key:ws/k{i}": f"h{i}" for i in range(2000)})
    stop = threading.Event()

    def worker() -> None:
        n = 0
        while not stop.is_set():
            context.ids[f"api_key:ws/new-{n % 400}"] = "h"
            context.ids.pop(f"api_key:ws/new-{(n + 200) % 400}", None)
            n += 1

    writer = threading.Thread(target=worker)
    writer.start()
    try:
        for _ in range(200):  # a plain dict raises "dictionary changed size during iteration" here
            found = [address for address, live_id in context.ids.items() if live_id == "h1999"]
            assert found == ["api_key:ws/k1999"]
            assert len(list(context.ids.keys())) >= 2000
    finally:
        stop.set()
        writer.join()
    assert context.id_of("api_key:ws/k0") == "h0"
