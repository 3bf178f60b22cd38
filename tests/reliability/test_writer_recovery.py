"""Apply finishes what the audit saw it stop on: renames with other changes, ambiguous creates of
every kind, and sinks that fail on write."""

from __future__ import annotations

from pathlib import Path

from reliability_support import account_problems, orctl, serve, write_config


def _with_guardrails(config: Path, key_line: str) -> None:
    text = config.read_text().replace(
        "    keys:\n", "    guardrails:\n      g0: {allowed_models: [openai/gpt-4o]}\n    keys:\n"
    )
    config.write_text(text.replace("      old-name: {limit: 5, secret_sink: files}", key_line))


def test_a_rename_and_a_guardrail_change_of_one_key_apply_in_one_run(tmp_path: Path) -> None:
    config = write_config(tmp_path / "orctl.yaml", {"rn": ["old-name"]})
    _with_guardrails(config, "      old-name: {limit: 5, secret_sink: files}")
    with serve(tmp_path) as server:
        assert orctl(server, tmp_path, "apply", "-c", str(config), "--auto-approve").returncode == 0
        write_config(config, {"rn": ["old-name"]})
        _with_guardrails(
            config, "      new-name: {limit: 5, secret_sink: files, guardrail: g0, previous_names: [old-name]}"
        )
        applied = orctl(server, tmp_path, "apply", "-c", str(config), "--auto-approve")
        assert applied.returncode == 0, applied.stdout + applied.stderr
        assert "Converged" in applied.stdout


def test_ambiguous_creates_of_guardrails_and_workspaces_are_resolved_by_re_listing(tmp_path: Path) -> None:
    config = write_config(tmp_path / "orctl.yaml", {"amb": ["k"]})
    _with_guardrails(config, "      k: {limit: 5, secret_sink: files, guardrail: g0}")
    with serve(tmp_path) as server:
        # Every create is committed and its answer lost (the lease's marker too).
        server.set_faults(
            [
                {"operation": "POST /workspaces", "drop_rate": 1.0},
                {"operation": "POST /guardrails", "drop_rate": 1.0},
            ]
        )
        applied = orctl(server, tmp_path, "apply", "-c", str(config), "--auto-approve")
        assert applied.returncode == 0, applied.stdout + applied.stderr
        server.set_faults([])
        with server.http() as http:
            slugs = [w["slug"] for w in http.get("workspaces").json()["data"]]
            assert slugs.count("amb") == 1
            amb = next(w["id"] for w in http.get("workspaces").json()["data"] if w["slug"] == "amb")
            names = [g["name"] for g in http.get("guardrails", params={"workspace_id": amb}).json()["data"]]
            assert names.count("g0") == 1
        assert account_problems(server, tmp_path) == {"keys": 1, "duplicates": 0, "pending": 0, "unheld": 0}
        settled = orctl(server, tmp_path, "plan", "-c", str(config), "--detailed-exitcode")
        assert settled.returncode == 0, settled.stdout


def test_a_sink_that_fails_on_write_is_found_before_any_key_is_made(tmp_path: Path) -> None:
    config = write_config(tmp_path / "orctl.yaml", {"bad": ["k"]}, sink_dir="/proc")
    config.write_text(config.read_text().replace("/proc/{workspace}/{key}.key", "/proc/{key}.key"))
    with serve(tmp_path) as server:
        for _ in range(2):
            failed = orctl(server, tmp_path, "apply", "-c", str(config), "--auto-approve")
            assert failed.returncode == 1
            assert "pre-flight" in failed.stderr and "cannot create a file in /proc" in failed.stderr
        assert account_problems(server, tmp_path, sink_dir="/proc")["keys"] == 0
