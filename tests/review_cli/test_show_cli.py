"""`orctl show PLANFILE` renders a saved plan in every format without calling the API, and
`orctl apply PLANFILE -c OTHER` is refused instead of silently applying the plan's own config."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from review_support import AGENCY, EXAMPLES, orctl

UNREACHABLE = {"OPENROUTER_BASE_URL": "http://127.0.0.1:9", "OPENROUTER_MANAGEMENT_KEY": None}


@pytest.fixture
def saved_plan(tmp_path: Path) -> tuple[Path, Path]:
    """A saved plan of the agency example against a fresh emulated account, and its state file."""
    state, planfile = tmp_path / "emulator.json", tmp_path / "plans" / "agency.plan"
    made = orctl("plan", "-c", AGENCY, "--emulator", "--emulator-state", state, "-o", planfile)
    assert made.exit_code == 0, made.output
    assert f"Saved the plan to {planfile}" in made.stderr
    return planfile, state


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: httpx.BaseTransport, request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"orctl show made an HTTP request: {request.method} {request.url}")

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", refuse)


@pytest.mark.parametrize("output", ["text", "json", "markdown"])
def test_show_renders_the_saved_plan_as_plan_did(saved_plan: tuple[Path, Path], output: str, no_network: None) -> None:
    planfile, state = saved_plan
    shown = orctl("show", planfile, "--output", output, env=UNREACHABLE)
    assert shown.exit_code == 0, shown.output
    assert shown.stderr == ""
    # The plan the emulated account still gives, rendered by `plan` itself, is what show printed.
    planned = orctl("plan", "-c", AGENCY, "--emulator", "--emulator-state", state, "--output", output)
    assert planned.exit_code == 0, planned.output
    assert shown.stdout == planned.stdout


def test_show_json_is_the_documented_plan_json(saved_plan: tuple[Path, Path], no_network: None) -> None:
    shown = orctl("show", saved_plan[0], "--output", "json", env=UNREACHABLE)
    document = json.loads(shown.stdout)
    assert document["format_version"] == "1.3"
    assert document["summary"]["create"] > 0
    assert {"action": "create", "address": "workspace:healthcare"}.items() <= next(
        c for c in document["changes"] if c["address"] == "workspace:healthcare"
    ).items()


def test_show_text_by_default_and_no_color_off_a_terminal(saved_plan: tuple[Path, Path], no_network: None) -> None:
    shown = orctl("show", saved_plan[0], env=UNREACHABLE)
    assert shown.exit_code == 0, shown.output
    assert "\x1b[" not in shown.stdout
    assert "+ workspace:healthcare" in shown.stdout
    assert "Plan: " in shown.stdout


def test_show_of_a_file_that_is_not_a_plan_is_one_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "plan.json"
    bogus.write_text('{"format_version": "1.0", "changes": []}', encoding="utf-8")
    shown = orctl("show", bogus)
    assert shown.exit_code == 1
    assert shown.stdout == ""
    assert shown.stderr.startswith(f"Error: {bogus} is not a saved plan: ")
    assert "Traceback" not in shown.stderr


def test_show_of_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    shown = orctl("show", tmp_path / "nope.plan")
    assert shown.exit_code != 0
    assert "does not exist" in shown.stderr


def test_apply_planfile_with_another_config_is_refused(saved_plan: tuple[Path, Path]) -> None:
    planfile, state = saved_plan
    before = state.read_bytes()
    result = orctl("apply", planfile, "-c", EXAMPLES / "minimal", "--emulator", "--emulator-state", state)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"Error: {planfile} was made from another config than {EXAMPLES / 'minimal'}; a saved plan applies "
        "the config it was made from",
        f"  hint: pass -c {AGENCY}, or run `orctl plan -c {EXAMPLES / 'minimal'} --out PLANFILE` again",
    ]
    assert state.read_bytes() == before


def test_apply_planfile_without_c_reading_another_default_config_names_both(
    saved_plan: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without -c, apply reads the default config here: another one than the plan's is refused in
    # one line naming both, not as a list of every difference between the two plans.
    planfile, state = saved_plan
    (tmp_path / "orctl.yaml").write_text("version: 1\nworkspaces: {lab: {name: Lab}}\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    result = orctl("apply", planfile, "--emulator", "--emulator-state", state)
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [
        f"Error: {planfile} was made from another config than the default config here (orctl.yaml); a saved "
        "plan applies the config it was made from",
        f"  hint: pass -c {AGENCY}, or run `orctl plan -c orctl.yaml --out PLANFILE` again",
    ]


def test_apply_planfile_with_its_own_config_applies(saved_plan: tuple[Path, Path]) -> None:
    planfile, state = saved_plan
    result = orctl("apply", planfile, "-c", AGENCY, "--emulator", "--emulator-state", state)
    assert result.exit_code == 0, result.output
    assert "Apply complete" in result.stdout
