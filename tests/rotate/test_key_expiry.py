"""Expiry, as a user meets it: keys expiring soon are a warning in `orctl plan` and `orctl drift`;
an expired key is reported with its fix and never made again under the settings that expired it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from rotate_support import NEW_EXPIRY, Project, key


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_key_expiring_soon_is_a_warning_in_plan_and_drift(project: Project) -> None:
    soon = _utc(datetime.now(UTC) + timedelta(days=5))
    project.write({"support": {"bot": key(expires_at=soon), "other": key(behavior="other")}})
    project.ok("apply", "--auto-approve")
    planned = project.orctl("plan", "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output
    expected = f"api_key:support/bot expires at {soon} (within safety.expiry_warning 14d); set a new expires_at"
    assert expected in planned.stdout
    assert "api_key:support/other" not in planned.stdout
    (item,) = project.plan_json()["key_expiry"]
    assert item["address"] == "api_key:support/bot" and item["expires_at"] == soon and item["expired"] is False
    drift = project.orctl("drift")
    assert drift.exit_code == 0 and expected in drift.stdout, drift.output
    assert json.loads(project.ok("drift", "--output", "json").stdout)["key_expiry"][0]["expires_at"] == soon

    project.write(
        {"support": {"bot": key(expires_at=soon), "other": key(behavior="other")}}, safety={"expiry_warning": "2d"}
    )
    assert project.plan_json()["key_expiry"] == []


def test_an_expired_key_is_reported_with_its_fix_and_never_made_again(project: Project) -> None:
    later = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
    project.write({"support": {"bot": key(expires_at=_utc(later), rotation_overlap="1h")}})
    project.ok("apply", "--auto-approve")
    old_secret = project.secret("support", "bot")
    assert project.answers(old_secret) == 200
    # The expiry comes: it moves into the past in the account and in the config alike (no sleeping:
    # a 3 s expiry raced the first apply on a loaded machine, which then refused to make the key).
    expiry = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=1)
    project.expire_key(project.recorded_hash("support", "bot"), expiry)
    project.write({"support": {"bot": key(expires_at=_utc(expiry), rotation_overlap="1h")}})
    assert project.answers(old_secret) == 401  # expired: OpenRouter refuses it

    planned = project.orctl("plan", "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output  # nothing is re-created under the old settings
    assert f"api_key:support/bot expired at {_utc(expiry)}: OpenRouter refuses it; set a new expires_at" in (
        planned.stdout
    )
    document = project.plan_json()
    assert document["changes"] == []
    assert document["key_expiry"][0]["expired"] is True
    drift = json.loads(project.ok("drift", "--output", "json").stdout)
    assert drift["key_expiry"][0]["expired"] is True
    project.ok("apply", "--auto-approve")
    assert len(project.keys("support")) == 1

    # The fix: a new expires_at rotates the key (an expired old key is not kept for an overlap).
    project.write({"support": {"bot": key(expires_at=NEW_EXPIRY, rotation_overlap="1h")}})
    fixed = project.ok("apply", "--auto-approve", "--allow-rotate")
    assert "stays enabled" not in fixed.stdout
    assert project.answers(project.secret("support", "bot")) == 200
    assert [k["name"] for k in project.keys("support")] == ["bot"]
    assert project.plan_json()["key_expiry"] == []


def test_a_key_declared_with_a_past_expiry_is_not_created(project: Project) -> None:
    project.write({"support": {"bot": key(expires_at="2026-01-01T00:00:00Z"), "ok": key(behavior="ok")}})
    planned = project.ok("plan")
    assert "api_key:support/bot is not created: its expires_at 2026-01-01T00:00:00Z has passed" in planned.stdout
    assert "+ api_key:support/bot" not in planned.stdout and "+ api_key:support/ok" in planned.stdout
    project.ok("apply", "--auto-approve")
    assert [k["name"] for k in project.keys("support")] == ["ok"]
