"""Rotation with `rotation_overlap`, as a user meets it: `orctl plan`/`apply`/`drift` in-process
against an emulator served over HTTP, the secrets tried as a consumer would (`GET /key`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from rotate_support import NEW_EXPIRY, Project, key

from openrouter_iac.model.retiring import parse_retiring, retiring_name


def _retiring(project: Project, workspace: str) -> list[dict[str, object]]:
    return [k for k in project.keys(workspace) if parse_retiring(str(k["name"]))]


def test_an_overlap_keeps_both_secrets_working_then_an_apply_retires_the_old_key(project: Project) -> None:
    project.write({"support": {"bot": key(rotation_overlap="1h")}})
    project.ok("apply", "--auto-approve")
    old_secret, old_hash = project.secret("support", "bot"), project.recorded_hash("support", "bot")

    project.write({"support": {"bot": key(rotation_overlap="1h", expires_at=NEW_EXPIRY)}})
    planned = project.ok("plan")
    assert "-/+ api_key:support/bot" in planned.stdout
    assert "the old key stays enabled for 1h beside the new one (rotation_overlap)" in planned.stdout
    assert "consumers of the old key will break" not in planned.stdout
    rotated = project.ok("apply", "--auto-approve", "--allow-rotate")
    assert f"the old key {old_hash[:12]} stays enabled until" in rotated.stdout
    assert "Converged" in rotated.stdout

    new_secret, new_hash = project.secret("support", "bot"), project.recorded_hash("support", "bot")
    assert new_hash != old_hash
    assert project.answers(old_secret) == 200 and project.answers(new_secret) == 200  # both work
    (old,) = _retiring(project, "support")
    assert old["hash"] == old_hash and old["disabled"] is False
    assert str(old["name"]).startswith("bot [orctl-retiring until ")
    parsed = parse_retiring(str(old["name"]))
    assert parsed is not None and parsed[0] == "bot"
    due = parsed[1]

    # Before the due time: nothing to do, and plan, drift and the PR comment say when it goes.
    quiet = project.orctl("plan", "--detailed-exitcode")
    assert quiet.exit_code == 0, quiet.output
    assert "No changes." in quiet.stdout and "Retiring keys" in quiet.stdout
    until = due.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert f"old key {old_hash[:12]} of api_key:support/bot: enabled until {until}" in quiet.stdout
    assert "unmanaged" not in quiet.stdout.lower().replace("not managed by this config:\n  workspace:default", "")
    document = project.plan_json()
    assert document["retiring"] == [
        {"address": "api_key:support/bot", "key_hash": old_hash, "until": until, "due": False}
    ]
    assert all("bot [orctl-retiring" not in u["address"] for u in document["unmanaged"])
    markdown = project.ok("plan", "--output", "markdown", "--show-empty").stdout
    assert "> [!NOTE]" in markdown and f"enabled until {until}" in markdown
    drift = project.orctl("drift")
    assert drift.exit_code == 0, drift.output  # an overlap is not drift
    assert f"enabled until {until}" in drift.stdout
    drift_json = json.loads(project.ok("drift", "--output", "json").stdout)
    assert drift_json["retiring"][0]["until"] == until and drift_json["drifted"] is False

    # After the due time: the plan deletes the old key (not the sink's new secret), then is empty.
    # The hour passes by moving the due time in the retiring name into the past (no sleeping: a
    # short real overlap made this test race the clock on a loaded machine).
    project.rename_key(old_hash, retiring_name("bot", datetime.now(UTC) - timedelta(seconds=1)))
    due_plan = project.ok("plan")
    assert "- api_key:support/bot" in due_plan.stdout and "retiring: the old key of a rotation" in due_plan.stdout
    retired = project.ok("apply", "--auto-approve")  # no --allow-destroy: the end of an approved rotation
    assert "Converged" in retired.stdout
    assert project.answers(old_secret) == 401 and project.answers(new_secret) == 200
    assert _retiring(project, "support") == []
    assert (project.secret("support", "bot"), project.recorded_hash("support", "bot")) == (new_secret, new_hash)
    empty = project.orctl("plan", "--detailed-exitcode")
    assert empty.exit_code == 0 and "Retiring" not in empty.stdout, empty.output


def test_retire_now_ends_an_overlap_early_and_a_saved_plan_keeps_its_choice(project: Project) -> None:
    project.write({"support": {"bot": key()}}, safety={"rotation_overlap": "7d"})
    project.ok("apply", "--auto-approve")
    old_secret = project.secret("support", "bot")
    project.write({"support": {"bot": key(expires_at=NEW_EXPIRY)}}, safety={"rotation_overlap": "7d"})
    project.ok("apply", "--auto-approve", "--allow-rotate")
    assert project.answers(old_secret) == 200  # the default overlap of `safety` applies

    saved = project.root / "plan.json"
    project.ok("plan", "--out", str(saved))
    refused = project.orctl("apply", str(saved), "--retire-now")
    assert refused.exit_code == 1 and "orctl plan --retire-now --out PLANFILE" in refused.output
    assert "Traceback" not in refused.output

    planned = project.ok("plan", "--retire-now")
    assert "overlap ended early (--retire-now)" in planned.stdout
    project.ok("apply", "--auto-approve", "--retire-now")
    assert project.answers(old_secret) == 401
    assert _retiring(project, "support") == []
    assert project.orctl("plan", "--detailed-exitcode").exit_code == 0


def test_without_an_overlap_the_old_key_goes_at_once(project: Project) -> None:
    project.write({"support": {"bot": key()}})
    project.ok("apply", "--auto-approve")
    old_secret = project.secret("support", "bot")
    project.write({"support": {"bot": key(expires_at=NEW_EXPIRY)}})
    assert "consumers of the old key will break" in project.ok("plan").stdout
    project.ok("apply", "--auto-approve", "--allow-rotate")
    assert project.answers(old_secret) == 401
    assert [k["name"] for k in project.keys("support")] == ["bot"]


def test_a_lost_secret_rotation_keeps_the_old_key_for_its_overlap(project: Project) -> None:
    project.write({"support": {"bot": key(rotation_overlap="1h")}})
    project.ok("apply", "--auto-approve")
    old_secret = project.secret("support", "bot")
    (project.secrets / "support" / "bot.key").unlink()  # a consumer may still hold it in memory
    planned = project.ok("plan")
    assert "the secret is lost" in planned.stdout and "stays enabled for 1h" in planned.stdout
    project.ok("apply", "--auto-approve", "--allow-rotate")
    assert project.answers(old_secret) == 200 and project.answers(project.secret("support", "bot")) == 200
    assert len(_retiring(project, "support")) == 1


def test_a_key_moved_to_another_workspace_leaves_no_secret_behind(project: Project) -> None:
    project.write({"support": {"bot": key()}, "sales": {}})
    project.ok("apply", "--auto-approve")
    project.write({"support": {}, "sales": {"bot": key(previous_names=["support/bot"])}})
    moved = project.ok("apply", "--auto-approve", "--allow-rotate")
    assert "its secret was removed from" in moved.stdout
    assert not (project.secrets / "support" / "bot.key").exists()
    assert project.answers(project.secret("sales", "bot")) == 200
    assert project.orctl("plan", "--detailed-exitcode").exit_code == 0


def test_a_moved_key_with_an_overlap_keeps_its_old_secret_until_it_retires(project: Project) -> None:
    project.write({"support": {"bot": key(rotation_overlap="1h")}, "sales": {}})
    project.ok("apply", "--auto-approve")
    old_secret = project.secret("support", "bot")
    project.write({"support": {}, "sales": {"bot": key(rotation_overlap="1h", previous_names=["support/bot"])}})
    project.ok("apply", "--auto-approve", "--allow-rotate")
    assert project.secret("support", "bot") == old_secret and project.answers(old_secret) == 200
    (retiring,) = _retiring(project, "support")
    assert str(retiring["name"]).startswith("bot [orctl-retiring until ")
    retired = project.ok("apply", "--auto-approve", "--retire-now")
    assert "its secret was removed from" in retired.stdout
    assert not (project.secrets / "support" / "bot.key").exists() and project.answers(old_secret) == 401
