"""Weakening the PHI workspace's data policy puts a `[!WARNING]` at the top of the PR comment and
marks the change in the JSON plan; the comment names its config and account behind a marker."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from review_support import applied_agency, orctl


@pytest.fixture(scope="module")
def converged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """The agency example and an emulated account that matches it (applied once for this module)."""
    workdir = tmp_path_factory.mktemp("converged")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(workdir)
        config, state = applied_agency(workdir)
    return config, state.read_bytes()


@pytest.fixture
def account(converged: tuple[Path, bytes], tmp_path: Path) -> tuple[Path, bytes]:
    """This test's own copy of the converged config (in tmp_path/agency) and the account's state."""
    config, state = converged
    return Path(shutil.copytree(config, tmp_path / "agency")), state


def weakened_healthcare(config: Path) -> Path:
    path = config / "10-healthcare.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("      zdr: true\n", "      zdr: false\n")
    text = text.replace("enable_paid_model_training: false", "enable_paid_model_training: true")
    path.write_text(text, encoding="utf-8")
    return config


def plan(config: Path, state_bytes: bytes, tmp_path: Path, *args: str) -> str:
    state = tmp_path / "state.json"
    state.write_bytes(state_bytes)
    result = orctl("plan", "-c", config, "--emulator", "--emulator-state", state, *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_warning_banner_at_the_top_of_the_comment(account: tuple[Path, bytes], tmp_path: Path) -> None:
    _, state = account
    weakened_healthcare(Path("agency"))  # the working directory is tmp_path
    out = plan(Path("agency"), state, tmp_path, "--output", "markdown")
    sections = out.split("\n\n")
    assert sections[:4] == [
        "<!-- orctl-plan: config=agency -->",
        "**orctl plan:** 0 to create, 1 to update, 0 to replace, 0 to delete",
        "Config `agency` on account `emulator`",
        "> [!WARNING]\n"
        "> This plan weakens policy:\n"
        "> - 🔓 `default_guardrail:healthcare`: ZDR turned off for anthropic, openai, google, xai, other"
        " (protected by `safety.protect`: `workspace:healthcare`)\n"
        "> - 🔓 `default_guardrail:healthcare`: paid models that train on data allowed"
        " (protected by `safety.protect`: `workspace:healthcare`)",
    ]
    # The details are still there, below the banner.
    assert out.index("[!WARNING]") < out.index("#### Policy and budget changes") < out.index("<details>")


def test_json_marks_the_weakening_change(account: tuple[Path, bytes], tmp_path: Path) -> None:
    config, state = account
    document = json.loads(plan(weakened_healthcare(config), state, tmp_path, "--output", "json"))
    (change,) = document["changes"]
    assert change["address"] == "default_guardrail:healthcare"
    assert change["weakens_policy"] is True
    assert change["weakening_reasons"] == [
        "ZDR turned off for anthropic, openai, google, xai, other",
        "paid models that train on data allowed",
    ]


def test_tightening_policy_raises_no_banner(account: tuple[Path, bytes], tmp_path: Path) -> None:
    config, state = account
    path = config / "20-consumer-comedy.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("{action: flag}", "{action: block}"), encoding="utf-8")
    out = plan(config, state, tmp_path, "--output", "markdown")
    assert "**orctl plan:** 0 to create, 1 to update" in out
    assert "[!WARNING]" not in out


def test_a_saved_plan_keeps_its_marker_and_banner(account: tuple[Path, bytes], tmp_path: Path) -> None:
    config, state = account
    planfile = tmp_path / "pr.plan"
    markdown = plan(weakened_healthcare(config), state, tmp_path, "--output", "markdown", "-o", str(planfile))
    shown = orctl("show", planfile, "--output", "markdown", env={"OPENROUTER_BASE_URL": "http://127.0.0.1:9"})
    assert shown.exit_code == 0, shown.output
    assert shown.stdout == markdown
    assert shown.stdout.startswith(f"<!-- orctl-plan: config={config} -->\n")
