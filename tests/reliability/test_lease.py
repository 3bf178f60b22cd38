"""One writer per account: two applies at once leave no duplicate and no secret nobody holds."""

from __future__ import annotations

import time
from pathlib import Path

from reliability_support import Server, account_problems, orctl, serve, start_orctl, write_config

KEYS = [f"k{i:02d}" for i in range(40)]


def _race(server: Server, cwd: Path, config: Path, *extra: str) -> list[tuple[int, str]]:
    procs = [start_orctl(server, cwd, "apply", "-c", str(config), "--auto-approve", *extra) for _ in range(2)]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        results.append((proc.returncode, out + err))
    return results


def test_two_applies_started_together_make_each_key_once(tmp_path: Path) -> None:
    config = write_config(tmp_path / "orctl.yaml", {"cc-a": ["t0"], "cc-b": ["t0"]})
    with serve(tmp_path, "--latency-ms", "10") as server:
        assert orctl(server, tmp_path, "apply", "-c", str(config), "--auto-approve").returncode == 0
        write_config(config, {"cc-a": ["t0", *KEYS], "cc-b": ["t0", *KEYS]})  # workspaces exist: the worst case
        results = _race(server, tmp_path, config)
        codes = sorted(code for code, _ in results)
        assert codes in ([0, 0], [0, 1]), results
        for code, output in results:
            if code == 1:
                assert "another orctl apply is writing to this account" in output and "nothing was written" in output
        assert account_problems(server, tmp_path) == {"keys": 82, "duplicates": 0, "pending": 0, "unheld": 0}
        settled = orctl(server, tmp_path, "plan", "-c", str(config), "--detailed-exitcode")
        assert settled.returncode == 0, settled.stdout + settled.stderr


def test_the_second_apply_waits_for_the_lease_when_asked(tmp_path: Path) -> None:
    config = write_config(tmp_path / "orctl.yaml", {"w": ["t0"]})
    with serve(tmp_path, "--latency-ms", "10") as server:
        assert orctl(server, tmp_path, "apply", "-c", str(config), "--auto-approve").returncode == 0
        write_config(config, {"w": ["t0", *KEYS[:19]]})
        results = _race(server, tmp_path, config, "--lease-wait", "120")
        assert [code for code, _ in results] == [0, 0], results
        assert account_problems(server, tmp_path) == {"keys": 20, "duplicates": 0, "pending": 0, "unheld": 0}


def _lease_guardrail(server: Server, name: str, description: str) -> str:
    with server.http() as http:
        created = http.post("guardrails", json={"name": name, "description": description})
        assert created.status_code == 201, created.text
        return str(created.json()["data"]["id"])


def _guardrail_names(server: Server) -> list[str]:
    with server.http() as http:
        return [g["name"] for g in http.get("guardrails").json()["data"]]


def test_a_lease_is_never_planned_pruned_or_reported(tmp_path: Path) -> None:
    config = write_config(tmp_path / "orctl.yaml", {"default": ["k"]})
    config.write_text(
        config.read_text().replace(
            "  default:\n    name: default\n", "  default:\n    name: Default Workspace\n    prune: true\n"
        )
    )
    with serve(tmp_path) as server:
        until = int(time.time()) + 600
        # A live lease of a process that is still running (this test's pid) on another host.
        _lease_guardrail(server, f"orctl-lease {until} 0123abcd", "held (host=elsewhere pid=1)")
        planned = orctl(server, tmp_path, "plan", "-c", str(config), "--no-color")
        assert "orctl-lease" not in planned.stdout + planned.stderr
        refused = orctl(server, tmp_path, "apply", "-c", str(config), "--auto-approve")
        assert refused.returncode == 1
        assert "another orctl apply is writing to this account on elsewhere, pid 1" in refused.stderr
        assert "--lease-wait" in refused.stderr
        assert account_problems(server, tmp_path)["keys"] == 0
        assert any(name.startswith("orctl-lease ") for name in _guardrail_names(server))


def test_the_lease_of_a_crashed_run_lapses(tmp_path: Path) -> None:
    import socket

    config = write_config(tmp_path / "orctl.yaml", {"w": ["k"]})
    with serve(tmp_path) as server:
        expired = int(time.time()) - 1
        _lease_guardrail(server, f"orctl-lease {expired} 00000001", "crashed (host=elsewhere pid=1)")
        gone = f"orctl-lease {int(time.time()) + 600} 00000002"
        _lease_guardrail(server, gone, f"killed (host={socket.gethostname()} pid=999999999)")
        applied = orctl(server, tmp_path, "apply", "-c", str(config), "--auto-approve")
        assert applied.returncode == 0, applied.stdout + applied.stderr
        assert not [name for name in _guardrail_names(server) if name.startswith("orctl-lease ")]
