"""Hostile or broken input fails fast with one line: alias bombs, silent servers, unwritable reports."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from reliability_support import ORCTL, orctl, serve, write_config


def _bomb(path: Path, levels: int = 9) -> Path:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels + 1)]
    path.write_text("version: 1\n" + "\n".join(lines) + "\nworkspaces: {}\n")
    return path


def test_an_alias_bomb_is_refused_in_under_a_second(tmp_path: Path) -> None:
    from openrouter_iac.config.loader import load_config
    from openrouter_iac.errors import ConfigError

    bomb = _bomb(tmp_path / "bomb.yaml")
    began = time.process_time()  # CPU time: the machine running the suite may be busy
    with pytest.raises(ConfigError) as info:
        load_config(bomb)
    assert time.process_time() - began < 1.0
    assert "alias bomb" in str(info.value) and "bomb.yaml:4:5:" in str(info.value)


def test_an_alias_bomb_through_the_cli_is_one_clear_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [*ORCTL, "validate", "-c", str(_bomb(tmp_path / "bomb.yaml"))], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 1
    assert "alias bomb" in result.stderr and "Traceback" not in result.stderr


def test_ordinary_aliases_still_work(tmp_path: Path) -> None:
    from openrouter_iac.config.loader import load_config

    config = tmp_path / "orctl.yaml"
    config.write_text(
        "version: 1\nworkspaces:\n  a:\n    name: A\n    keys:\n"
        "      k1: &key {limit: 5}\n      k2: *key\n      k3: {<<: *key, limit_reset: monthly}\n"
    )
    loaded = load_config(config)
    keys = loaded.config.workspaces["a"].keys
    assert keys["k2"].limit == 5 and keys["k3"].limit == 5


@pytest.fixture
def silent_server() -> Iterator[str]:
    """Accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/api/v1"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


def test_a_server_that_never_answers_fails_in_seconds_naming_the_resource(silent_server: str, tmp_path: Path) -> None:
    config = write_config(tmp_path / "orctl.yaml", {"ws": ["k"]})
    began = time.monotonic()
    result = subprocess.run(
        [*ORCTL, "plan", "-c", str(config), "--base-url", silent_server, "--timeout", "1"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"OPENROUTER_MANAGEMENT_KEY": "sk-or-v1-" + "0" * 64, "PATH": "/usr/bin:/bin"},
    )
    elapsed = time.monotonic() - began
    assert result.returncode == 1, result.stderr
    # About 2 s of reads plus the start of a process; the default 10 s timeout would take 20 s. The
    # margin is for a busy machine, where starting Python alone can take seconds.
    assert elapsed < 16, elapsed
    assert "no answer before the read timeout" in result.stderr and "(workspaces)" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_report_path_that_cannot_be_written_is_refused_before_any_write(tmp_path: Path) -> None:
    config = write_config(tmp_path / "orctl.yaml", {"ws": ["k"]})
    with serve(tmp_path) as server:
        result = orctl(server, tmp_path, "apply", "-c", str(config), "--auto-approve", "--report", "no/such/r.json")
        assert result.returncode == 1
        assert result.stderr.startswith("Error: --report no/such/r.json: the directory no/such does not exist")
        with server.http() as http:
            assert [w["slug"] for w in http.get("workspaces").json()["data"]] == ["default"]
