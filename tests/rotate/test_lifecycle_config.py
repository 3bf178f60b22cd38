"""The config side of the key lifecycle: durations, reserved key names, and the pure plan logic of
retiring keys (due times decided by a given clock)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from openrouter_iac.cli import main
from openrouter_iac.model.config import Config
from openrouter_iac.model.durations import seconds
from openrouter_iac.model.resources import AccountState, ApiKey
from openrouter_iac.model.retiring import RetiringKey, parse_retiring, retiring_name, utc_text
from openrouter_iac.model.snapshot import Catalogue, LiveSnapshot
from openrouter_iac.plan.builder import build_plan

DUE = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


def _validate(tmp_path: Path, keys: dict[str, object], **top: object) -> str:
    config = {"version": 1, **top, "workspaces": {"lab": {"name": "Lab", "keys": keys}}}
    (tmp_path / "orctl.yaml").write_text(yaml.safe_dump(config))
    result = CliRunner().invoke(main, ["validate", "-c", str(tmp_path / "orctl.yaml")])
    assert "Traceback" not in result.output
    return result.output if result.exit_code else ""


@pytest.mark.parametrize("text", ["3 days", "7", "1.5h", "-3s", "", "100000w"])
def test_a_bad_duration_is_one_clear_line(tmp_path: Path, text: str) -> None:
    output = _validate(tmp_path, {"bot": {"rotation_overlap": text}})
    assert "rotation_overlap" in output, output
    assert _validate(tmp_path, {}, safety={"expiry_warning": text})


def test_durations_read_as_written() -> None:
    assert [seconds(t) for t in ("3s", "24h", "7d", "1d12h", "2w", "90m")] == [3, 86400, 604800, 129600, 1209600, 5400]


@pytest.mark.parametrize("name", ["bot [orctl-retiring until 2026-12-02T10:00:00Z]", "bot [orctl-pending 0a1b2c3d]"])
def test_orctl_s_own_key_names_are_refused_in_a_config(tmp_path: Path, name: str) -> None:
    assert "must not contain '[orctl-" in _validate(tmp_path, {name: {}})


def test_a_retiring_name_carries_its_due_time_in_whole_seconds() -> None:
    name = retiring_name("a" * 300, datetime(2026, 12, 2, 9, 59, 59, 1, tzinfo=UTC))
    assert name == "a" * 300 + " [orctl-retiring until 2026-12-02T10:00:00Z]"  # rounded up, never early
    assert parse_retiring(name) == ("a" * 300, DUE)  # no maximum length for key names: nothing cut
    assert parse_retiring("bot [orctl-retiring until 2026-13-02T10:00:00Z]") is None  # not a date: a plain name
    assert utc_text(DUE) == "2026-12-02T10:00:00Z"


def _live(*retiring: RetiringKey) -> LiveSnapshot:
    state = Config.model_validate({"version": 1, "workspaces": {"lab": {"name": "Lab", "keys": {"bot": {}}}}})
    return LiveSnapshot(
        state=state.account(),
        ids={"workspace:lab": "ws-lab", "api_key:lab/bot": "hash-new"},
        catalogue=Catalogue({}, frozenset()),
        default_workspace=None,
        retiring=list(retiring),
    )


def test_a_retiring_key_is_deleted_only_after_its_due_time_and_never_counts_against_safety() -> None:
    config = Config.model_validate({"version": 1, "workspaces": {"lab": {"name": "Lab", "keys": {"bot": {}}}}})
    live = _live(RetiringKey("lab", "bot", "hash-old", DUE))
    before = build_plan(config, live, base_dir=Path("."), now=datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    assert before.changes == [] and before.unmanaged == []
    assert [(n.key_hash, n.until, n.due) for n in before.retiring] == [("hash-old", "2026-12-02T10:00:00Z", False)]
    after = build_plan(config, live, base_dir=Path("."), now=DUE)
    (change,) = after.changes
    assert (change.action, change.address, change.live_id) == ("delete", "api_key:lab/bot", "hash-old")
    assert change.details.retiring_until == "2026-12-02T10:00:00Z"
    assert after.safety.deletes == 0 and after.retiring[0].due is True
    early = build_plan(config, live, base_dir=Path("."), now=datetime(2026, 12, 1, tzinfo=UTC), retire_now=True)
    assert [c.live_id for c in early.changes] == ["hash-old"] and early.retire_now is True


def test_a_retiring_key_of_an_undeclared_workspace_is_reported_not_touched() -> None:
    config = Config.model_validate({"version": 1})
    live = LiveSnapshot(
        state=AccountState(),
        ids={},
        catalogue=Catalogue({}, frozenset()),
        default_workspace=None,
        retiring=[RetiringKey("ops", "bot", "hash-old", DUE)],
    )
    plan = build_plan(config, live, base_dir=Path("."), now=DUE)
    assert plan.changes == [] and plan.retiring == []
    (item,) = plan.unmanaged
    assert item.address == "api_key:ops/bot" and "retiring until 2026-12-02T10:00:00Z" in item.reason


def test_a_key_opts_out_of_the_default_overlap_with_0s() -> None:
    def rotation(overlap: str | None) -> tuple[str | None, str]:
        key: dict[str, object] = {"expires_at": "2027-07-31T00:00:00Z"}
        if overlap is not None:
            key["rotation_overlap"] = overlap
        config = Config.model_validate(
            {
                "version": 1,
                "safety": {"rotation_overlap": "7d"},
                "workspaces": {"lab": {"name": "Lab", "keys": {"bot": key}}},
            }
        )
        old = Config.model_validate(
            {
                "version": 1,
                "workspaces": {"lab": {"name": "Lab", "keys": {"bot": {"expires_at": "2027-06-30T00:00:00Z"}}}},
            }
        )
        live = LiveSnapshot(
            state=old.account(),
            ids={"workspace:lab": "ws-lab", "api_key:lab/bot": "hash-old"},
            catalogue=Catalogue({}, frozenset()),
            default_workspace=None,
        )
        (change,) = build_plan(config, live, base_dir=Path("."), now=DUE).changes
        assert isinstance(change.desired, ApiKey)
        return change.desired.rotation_overlap, change.reason or ""

    overlap, reason = rotation(None)
    assert overlap == "7d" and "stays enabled for 7d" in reason  # the default of `safety`
    overlap, reason = rotation("0s")
    assert overlap is None and "consumers of the old key will break" in reason
