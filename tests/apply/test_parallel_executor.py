"""The concurrent executor: dependencies first, at most `parallelism` at once, a clean stop."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from openrouter_iac.apply import execute
from openrouter_iac.cli.apply_progress import LineProgress, LiveProgress
from openrouter_iac.errors import ApiError
from openrouter_iac.live.writer import WriteResult
from openrouter_iac.plan.model import Change, Plan, SafetyFacts

WAIT_S = 30.0
"""How long a fake change waits for others: only a bug makes it wait that long."""


def plan(changes: list[Change]) -> Plan:
    return Plan(
        fingerprint="sha256:x",
        changes=changes,
        safety=SafetyFacts(managed_objects=1, deletes=0),
        config_digest="d",
        config={},
        config_base_dir="/",
    )


def workspace() -> Change:
    return Change(action="create", kind="workspace", address="workspace:ws", workspace="ws", name="ws")


def key(name: str) -> Change:
    return Change(
        action="create",
        kind="api_key",
        address=f"api_key:ws/{name}",
        workspace="ws",
        name=name,
        desired={"secret_sink": "s"},
    )


class FakeWriter:
    """Records when each change ran and how many ran at once; fails the changes named in ``fail``."""

    def __init__(
        self,
        seconds: float = 0.02,
        fail: frozenset[str] = frozenset(),
        seconds_for: dict[str, float] | None = None,
        meet: threading.Barrier | None = None,
        hold: dict[str, threading.Event] | None = None,
    ) -> None:
        self.seconds = seconds
        self.seconds_for = seconds_for or {}  # per change name: how long that one takes
        self.fail = fail
        self.meet = meet  # keys wait here until as many run at once as it has parties
        self.hold = hold or {}  # per change name: it ends only once this event is set
        self.lock = threading.Lock()
        self.running = 0
        self.most = 0
        self.spans: dict[str, tuple[float, float]] = {}
        self.order: list[str] = []
        self.threads: set[str] = set()

    def apply(self, change: Change) -> WriteResult:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
            self.order.append(str(change.address))
            self.threads.add(threading.current_thread().name)
        began = time.monotonic()
        time.sleep(self.seconds_for.get(change.name or "", self.seconds))
        if self.meet is not None and change.kind == "api_key":
            self.meet.wait(timeout=WAIT_S)
        if change.name in self.hold:
            assert self.hold[change.name].wait(timeout=WAIT_S), f"{change.name} was never let go"
        with self.lock:
            self.running -= 1
            self.spans[str(change.address)] = (began, time.monotonic())
        if str(change.address) in self.fail:
            raise ApiError(f"{change.address}: the API refused it")
        return WriteResult("created")


def run(changes: list[Change], writer: FakeWriter, **options: Any) -> Any:
    return execute(plan(changes), writer, **options)  # type: ignore[arg-type]


def test_independent_changes_run_at_once_up_to_the_parallelism() -> None:
    # Each key waits until ten run at once (three rounds of ten): proof of the parallelism that
    # no loaded machine can break, where a 50 ms sleep and a wall-clock bound could.
    writer = FakeWriter(seconds=0.0, meet=threading.Barrier(10))
    changes = [workspace(), *(key(f"k{i:02d}") for i in range(30))]
    report = run(changes, writer, parallelism=10)
    assert [o.status for o in report.outcomes] == ["done"] * 31
    assert [o.address for o in report.outcomes] == [c.address for c in changes]  # plan order
    assert writer.most == 10
    ws_done = writer.spans["workspace:ws"][1]
    assert all(writer.spans[f"api_key:ws/k{i:02d}"][0] >= ws_done for i in range(30))  # the workspace first


def test_parallelism_one_is_plan_order_in_the_calling_thread() -> None:
    writer = FakeWriter(seconds=0)
    changes = [workspace(), *(key(f"k{i}") for i in range(5))]
    report = run(changes, writer, parallelism=1)
    assert writer.order == [str(c.address) for c in changes]
    assert writer.threads == {threading.current_thread().name}
    assert writer.most == 1 and report.count("done") == 6


class FailureSeen:
    """Progress that sets ``seen`` once the coordinator has taken in a failed change."""

    def __init__(self) -> None:
        self.seen = threading.Event()

    def started(self, index: int, total: int, change: Change) -> None:
        return None

    def finished(self, index: int, total: int, outcome: Any) -> None:
        if outcome.status == "failed":
            self.seen.set()

    def skipped(self, index: int, total: int, change: Change) -> None:
        return None

    def tick(self) -> None:
        return None


def test_after_a_failure_nothing_starts_and_what_is_in_flight_finishes() -> None:
    # k03 fails at once; k00-k02 end only once the coordinator has taken in that failure (an
    # event, not a 0.3 s sleep that a loaded machine could outlast before k03 even ran).
    progress = FailureSeen()
    hold = dict.fromkeys(("k00", "k01", "k02"), progress.seen)
    writer = FakeWriter(seconds=0.0, fail=frozenset({"api_key:ws/k03"}), hold=hold)
    changes = [key(f"k{i:02d}") for i in range(40)]
    report = run(changes, writer, parallelism=4, progress=progress)
    statuses = {o.address: o.status for o in report.outcomes}
    assert statuses["api_key:ws/k03"] == "failed"
    # k00-k03 started together; k03's failure came first, so k00-k02 finished and nothing started.
    assert [o.address for o in report.outcomes] == [c.address for c in changes]
    done = [a for a, s in statuses.items() if s == "done"]
    assert done == [f"api_key:ws/k{i:02d}" for i in range(3)]
    assert all(statuses[f"api_key:ws/k{i:02d}"] == "not_attempted" for i in range(4, 40))
    assert len(writer.order) == len(done) + 1  # nothing not attempted was ever sent
    assert "1 failed" in _rendered(report)


def test_a_stop_signal_lets_the_changes_in_flight_finish() -> None:
    writer = FakeWriter(seconds=0.03)
    asked = {"n": 0}

    def stop() -> str | None:
        asked["n"] += 1
        return "SIGTERM" if asked["n"] > 6 else None

    changes = [key(f"k{i:02d}") for i in range(20)]
    report = run(changes, writer, parallelism=3, should_stop=stop, replan=lambda: pytest.fail("no replan"))
    assert report.interrupted == "SIGTERM"
    assert report.count("done") == 6 and report.count("not_attempted") == 14
    assert [o.status for o in report.outcomes[:6]] == ["done"] * 6


def test_the_log_progress_keeps_plan_order_when_changes_finish_out_of_order() -> None:
    lines: list[str] = []
    progress = LineProgress(lines.append)

    changes = [key(f"k{i}") for i in range(6)]
    run(changes, FakeWriter(seconds=0.0, seconds_for={"k0": 0.08}), parallelism=6, progress=progress)  # k0 ends last
    assert [line.split(" ...")[0] for line in lines] == [f"+ api_key:ws/k{i}" for i in range(6)]


def test_the_log_progress_goes_on_past_changes_not_attempted() -> None:
    lines: list[str] = []
    writer = FakeWriter(seconds=0.02, fail=frozenset({"api_key:ws/k0"}))
    run([key(f"k{i}") for i in range(8)], writer, parallelism=2, progress=LineProgress(lines.append))
    assert lines[0].startswith("+ api_key:ws/k0 ... FAILED")
    assert len(lines) == len(writer.order)


def test_the_terminal_line_names_what_is_in_flight_and_estimates_the_rest() -> None:
    now = {"t": 100.0}
    progress = LiveProgress(clock=lambda: now["t"], width=lambda: 200)
    changes = [key(f"k{i}") for i in range(10)]
    for index, change in enumerate(changes[:4], start=1):
        progress.started(index, 10, change)
    now["t"] += 10.0
    from openrouter_iac.apply import ChangeOutcome

    progress.finished(1, 10, ChangeOutcome(address=changes[0].address, action="create", status="done"))
    line = progress.line()
    assert line.startswith("[1/10] 3 in flight: + api_key:ws/k1 and 2 more")
    assert "10s, about 1m30s left" in line


def _rendered(report: Any) -> str:
    from openrouter_iac.apply import render_report

    return render_report(report)


def test_the_report_times_the_changes() -> None:
    # On the run's clock (a fake one: a real one under load says nothing): the ten changes run
    # together while 5 s pass, so the changes took 5 s, not the 50 s their times add up to.
    now = {"t": 100.0}

    class Slow(FakeWriter):
        def apply(self, change: Change) -> WriteResult:
            with self.lock:
                now["t"] = 105.0
            return super().apply(change)

    report = run([key(f"k{i}") for i in range(10)], Slow(seconds=0.0), parallelism=10, clock=lambda: now["t"])
    assert report.changes_seconds == 5.0


def test_a_second_signal_in_a_serial_run_stops_at_once() -> None:
    from openrouter_iac.apply.interrupt import Interrupted

    class Stopped(FakeWriter):
        def apply(self, change: Change) -> WriteResult:
            raise Interrupted("SIGINT", 130, mid_change=True)

    with pytest.raises(Interrupted):
        run([key("a"), key("b")], Stopped(), parallelism=1)
