"""SIGTERM and SIGINT stop apply after the change in flight and say what was done and what was not."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from reliability_support import account_problems, orctl, serve, start_orctl, wait_until_catching, write_config


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_stop_signal_ends_the_run_between_changes(tmp_path: Path, sig: signal.Signals, code: int) -> None:
    # Twenty times more keys than --parallelism: k39 is seconds away when the signal comes (at
    # the default of 10 it was a fraction of a second away, which a busy machine could outlast
    # between reading the third line and sending the signal).
    config = write_config(tmp_path / "orctl.yaml", {"stop": [f"k{i:02d}" for i in range(40)]})
    with serve(tmp_path, "--latency-ms", "60") as server:
        proc = start_orctl(server, tmp_path, "apply", "-c", str(config), "--auto-approve", "--parallelism", "2")
        assert proc.stderr is not None
        for _ in range(3):  # three changes reported done (the workspace and two keys)
            assert " ... " in proc.stderr.readline()
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == code, out + err
        assert f"Apply interrupted by {sig.name} after the changes in flight" in out
        assert "not attempted: create api_key:stop/k39" in out
        assert "run the same orctl apply again" in out
        assert "Traceback" not in err
        done = out.count("  done: ")
        assert 3 <= done < 41
        assert account_problems(server, tmp_path)["pending"] == 0  # no change was cut in half
        again = orctl(server, tmp_path, "apply", "-c", str(config), "--auto-approve")
        assert again.returncode == 0, again.stdout + again.stderr
        assert account_problems(server, tmp_path) == {"keys": 40, "duplicates": 0, "pending": 0, "unheld": 0}


def test_a_signal_before_the_writes_says_nothing_was_written(tmp_path: Path) -> None:
    config = write_config(tmp_path / "orctl.yaml", {"early": ["k"]})
    with serve(tmp_path, "--latency-ms", "1500", "--fault-method", "GET") as server:
        proc = start_orctl(server, tmp_path, "apply", "-c", str(config), "--auto-approve")
        wait_until_catching(proc.pid, signal.SIGTERM)  # orctl started; its first read takes 1.5 s
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 143, out + err
        assert "Interrupted by SIGTERM before any change was made; nothing was written." in err
        assert account_problems(server, tmp_path)["keys"] == 0


def test_a_read_phase_signal_whose_exception_was_swallowed_still_stops_before_the_writes() -> None:
    # Python only prints an exception raised in a finalizer or an import-lock callback: the signal
    # must still keep the write phase from starting (it once let an apply run to the end).
    import contextlib
    import threading

    import pytest

    from openrouter_iac.apply.interrupt import Interrupted, interruptible, stop_between_changes

    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signal handlers are installed from the main thread only")
    with interruptible():
        with contextlib.suppress(Interrupted):  # swallowed, as a weakref callback would
            signal.raise_signal(signal.SIGTERM)
        with pytest.raises(Interrupted) as stopped, stop_between_changes():
            raise AssertionError("the write phase must not start")
    assert stopped.value.exit_code == 143
    with interruptible(), stop_between_changes() as request:  # a new run starts clean
        assert request() is None
