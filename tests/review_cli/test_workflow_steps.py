"""The shell steps of plan.yml and apply.yml, run with bash as a runner would, against the
emulator on loopback: the plan step writes the comment and the saved plan, and apply's gate lets
the reviewed plan through only while a fresh plan is identical."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from review_support import AGENCY, WORKFLOWS, orctl

from openrouter_iac.emulator import Emulator, start_server

EXPRESSIONS = {"steps.pr.outputs.number": "12"}


def step_script(workflow: str, name: str) -> str:
    document = yaml.safe_load((WORKFLOWS / workflow).read_text(encoding="utf-8"))
    (step,) = [s for job in document["jobs"].values() for s in job["steps"] if s.get("name") == name]
    # GitHub substitutes `${{ … }}` in the text before bash sees it.
    return re.sub(r"\$\{\{\s*(.*?)\s*\}\}", lambda m: EXPRESSIONS[m[1]], str(step["run"]))


class Runner:
    """A job's workspace: the repository checkout (with the config at orctl/), GITHUB_OUTPUT and
    GITHUB_STEP_SUMMARY files, and the environment the steps get."""

    def __init__(self, root: Path, base_url: str, key: str) -> None:
        self.root = root
        shutil.copytree(AGENCY, root / "orctl")
        self.output = root / "github_output"
        self.summary = root / "step_summary"
        self.env = {
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            "HOME": str(root),
            "CI": "true",
            "CONFIG": "orctl/",
            "OPENROUTER_BASE_URL": base_url,
            "OPENROUTER_MANAGEMENT_KEY": key,
            "GITHUB_OUTPUT": str(self.output),
            "GITHUB_STEP_SUMMARY": str(self.summary),
        }
        if "PYTHONPATH" in os.environ:  # the orctl under test, wherever the suite found it
            self.env["PYTHONPATH"] = os.environ["PYTHONPATH"]

    def run(self, workflow: str, step: str) -> subprocess.CompletedProcess[str]:
        self.output.write_text("", encoding="utf-8")
        self.summary.write_text("", encoding="utf-8")
        # `bash -e`: what GitHub runs a `run:` step with (`bash --noprofile --norc -eo pipefail`).
        return subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step_script(workflow, step)],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )

    def outputs(self) -> dict[str, str]:
        lines = self.output.read_text(encoding="utf-8").splitlines()
        return dict(line.split("=", 1) for line in lines)


@pytest.fixture
def account() -> Iterator[dict[str, str]]:
    """An emulated account on loopback; the environment that reaches it."""
    emulator = Emulator()
    server = start_server(emulator)
    try:
        yield {"OPENROUTER_BASE_URL": server.base_url, "OPENROUTER_MANAGEMENT_KEY": emulator.management_key}
    finally:
        server.stop()


@pytest.fixture
def runner(account: dict[str, str], tmp_path: Path) -> Runner:
    applied = orctl("apply", "-c", AGENCY, "--auto-approve", env=account)
    assert applied.exit_code == 0, applied.output
    return Runner(tmp_path / "job", account["OPENROUTER_BASE_URL"], account["OPENROUTER_MANAGEMENT_KEY"])


def raise_a_key_cap(runner: Runner) -> None:
    path = runner.root / "orctl" / "20-consumer-comedy.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("limit: 20", "limit: 25"), encoding="utf-8")


def test_plan_step_writes_the_comment_and_the_saved_plan(runner: Runner) -> None:
    raise_a_key_cap(runner)
    result = runner.run("plan.yml", "Plan")
    assert result.returncode == 0, result.stderr
    assert runner.outputs() == {"slug": "orctl-", "changes": "true"}
    comment = (runner.root / "comment.md").read_text(encoding="utf-8")
    assert comment.startswith("<!-- orctl-plan: config=orctl -->\n\n**orctl plan:** 0 to create, 1 to update")
    assert "```mermaid" in comment
    assert (runner.root / "orctl.plan").exists()
    assert runner.summary.read_text(encoding="utf-8") == comment


def test_plan_step_without_changes(runner: Runner) -> None:
    result = runner.run("plan.yml", "Plan")
    assert result.returncode == 0, result.stderr
    assert runner.outputs()["changes"] == "false"
    assert "**orctl plan:** no changes" in (runner.root / "comment.md").read_text(encoding="utf-8")


def test_plan_step_fails_on_an_error(runner: Runner) -> None:
    runner.env["OPENROUTER_MANAGEMENT_KEY"] = "sk-or-v1-" + "0" * 64  # a key the account does not know
    result = runner.run("plan.yml", "Plan")
    assert result.returncode == 1
    assert result.stderr.startswith("Error: ")


def reviewed(runner: Runner) -> None:
    """What the apply job finds after downloading the pull request's artifact."""
    raise_a_key_cap(runner)
    assert runner.run("plan.yml", "Plan").returncode == 0
    (runner.root / "reviewed").mkdir()
    shutil.move(runner.root / "orctl.plan", runner.root / "reviewed" / "orctl.plan")


def test_apply_gate_passes_an_identical_plan_and_apply_applies_it(runner: Runner) -> None:
    reviewed(runner)
    gate = runner.run("apply.yml", "Stop unless a fresh plan is identical to the reviewed one")
    assert gate.returncode == 0, gate.stdout + gate.stderr
    applied = runner.run("apply.yml", "Apply the reviewed plan")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "Apply complete: 1 change(s) done." in applied.stdout
    assert (runner.root / "apply-report.json").exists()


def test_apply_gate_stops_when_the_account_changed_since_the_review(runner: Runner, account: dict[str, str]) -> None:
    reviewed(runner)
    # Another change reaches the account after the review (here: another config's apply).
    other = shutil.copytree(AGENCY, runner.root.parent / "other")
    comedy = other / "20-consumer-comedy.yaml"
    comedy.write_text(comedy.read_text(encoding="utf-8").replace("limit: 5", "limit: 7"), encoding="utf-8")
    assert orctl("apply", "-c", other, "--auto-approve", env=account).exit_code == 0
    gate = runner.run("apply.yml", "Stop unless a fresh plan is identical to the reviewed one")
    assert gate.returncode == 1
    assert "::error title=orctl apply::the account or the config changed since pull request #12 was planned" in (
        gate.stdout
    )
    summary = runner.summary.read_text(encoding="utf-8")
    assert summary.startswith("### Not applied: the reviewed plan is out of date\n")
    assert '"fingerprint"' in summary  # the diff of the two JSON plans


def test_drift_step_reports_drift_and_its_absence(runner: Runner, account: dict[str, str]) -> None:
    ignore = "- {address: 'workspace:default', reason: the default workspace is never managed}\n"
    (runner.root / "orctl.drift-ignore.yaml").write_text(ignore, encoding="utf-8")
    clean = runner.run("drift.yml", "Drift")
    assert clean.returncode == 0, clean.stderr
    assert runner.outputs() == {"drifted": "false"}
    # The account is changed outside the config (another config's apply).
    other = shutil.copytree(AGENCY, runner.root.parent / "other")
    comedy = other / "20-consumer-comedy.yaml"
    comedy.write_text(comedy.read_text(encoding="utf-8").replace("limit: 5", "limit: 7"), encoding="utf-8")
    assert orctl("apply", "-c", other, "--auto-approve", env=account).exit_code == 0
    drifted = runner.run("drift.yml", "Drift")
    assert drifted.returncode == 0, drifted.stderr
    assert runner.outputs() == {"drifted": "true"}
    report = (runner.root / "drift.md").read_text(encoding="utf-8")
    assert "headline-ab" in report
    assert runner.summary.read_text(encoding="utf-8") == report


def test_drift_step_fails_on_an_error_and_touches_no_issue(runner: Runner) -> None:
    runner.env["CONFIG"] = "missing/"
    result = runner.run("drift.yml", "Drift")
    assert result.returncode == 1
    assert runner.outputs() == {}
