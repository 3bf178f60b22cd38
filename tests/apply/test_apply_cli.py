"""`orctl apply` end to end against the emulator: convergence, idempotence, refusals, faults."""

from __future__ import annotations

import json

import pytest
from apply_harness import Harness, copy_example, use_sink

from openrouter_iac.emulator.faults import FaultConfig


@pytest.mark.parametrize("example", ["minimal", "agency"])
def test_apply_converges_and_second_apply_writes_nothing(harness: Harness, example: str) -> None:
    config = copy_example(example, harness.cwd)
    first = harness.orctl("apply", "-c", str(config), "--auto-approve")
    assert first.exit_code == 0, first.output
    assert "Converged: the account matches the config." in first.stdout
    writes = harness.emulator.stats.writes
    assert writes > 0
    second = harness.orctl("apply", "-c", str(config), "--auto-approve")
    assert second.exit_code == 0, second.output
    assert "No changes" in second.stdout
    assert harness.emulator.stats.writes == writes


def test_without_a_terminal_apply_refuses_unless_auto_approved(harness: Harness) -> None:
    config = copy_example("minimal", harness.cwd)
    result = harness.orctl("apply", "-c", str(config))
    assert result.exit_code == 1
    assert "pass --auto-approve" in result.stderr
    assert harness.emulator.stats.writes == 0


def test_progress_is_one_line_per_change_on_stderr(harness: Harness) -> None:
    config = copy_example("minimal", harness.cwd)
    result = harness.orctl("apply", "-c", str(config), "--auto-approve")
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines[0].startswith("+ workspace:sandbox ... created (")
    assert any(line.startswith("+ api_key:sandbox/docs-summarizer ... created (hash ") for line in lines)
    assert len(lines) == 3


def test_saved_plan_is_applied_then_refused_as_already_applied(harness: Harness) -> None:
    from openrouter_iac.cli.apply_cmd import build_plan, read_live  # the same functions apply uses
    from openrouter_iac.config.loader import load_config

    config = copy_example("minimal", harness.cwd)
    client = harness.client()
    loaded = load_config(config)
    plan = build_plan(loaded.config, read_live(client), base_dir=loaded.base_dir)
    planfile = harness.cwd / "plan.json"
    planfile.write_text(plan.model_dump_json())
    assert harness.orctl("apply", str(planfile), "-c", str(config)).exit_code == 0
    again = harness.orctl("apply", str(planfile), "-c", str(config))
    assert again.exit_code == 1 and "this plan was already applied" in again.stderr
    # A plan made against an account that changed since is stale.
    stale = plan.model_copy(update={"fingerprint": "sha256:other"})
    planfile.write_text(stale.model_dump_json())
    (key,) = harness.live_keys()
    client.delete(f"/keys/{key['hash']}", resource="test")  # someone deleted the key meanwhile
    refused = harness.orctl("apply", str(planfile), "-c", str(config))
    assert refused.exit_code == 1 and "stale plan" in refused.stderr


def test_report_file_lists_outcomes(harness: Harness) -> None:
    config = copy_example("minimal", harness.cwd)
    report = harness.cwd / "report.json"
    assert harness.orctl("apply", "-c", str(config), "--auto-approve", "--report", str(report)).exit_code == 0
    data = json.loads(report.read_text())
    assert data["converged"] is True
    assert [o["status"] for o in data["outcomes"]] == ["done", "done", "done"]


def _assert_one_key_per_name(harness: Harness) -> None:
    names = [k["name"] for k in harness.live_keys()]
    assert len(names) == len(set(names)), names
    assert not any("orctl-pending" in n for n in names), names


@pytest.mark.parametrize(
    "faults",
    [
        pytest.param(FaultConfig.single(operation="POST /keys", throttle_rate=0.5, retry_after_s=0, seed=3), id="429"),
        pytest.param(FaultConfig.single(operation="POST /keys", drop_nth=(1,)), id="commit-then-drop"),
        pytest.param(FaultConfig.single(methods=["PATCH", "PUT"], error_rate=0.3, seed=5), id="500-on-idempotent"),
        pytest.param(FaultConfig.single(methods=["POST"], drop_nth=(2, 5)), id="dropped-posts"),
    ],
)
def test_faults_leave_no_duplicate_and_converge(harness: Harness, faults: FaultConfig) -> None:
    config = copy_example("agency", harness.cwd)
    harness.emulator.faults.configure(faults)
    first = harness.orctl("apply", "-c", str(config), "--auto-approve")
    harness.emulator.faults.configure(FaultConfig())
    if first.exit_code != 0:  # a failure must say what failed and what was not attempted
        assert "Apply stopped" in first.stdout or "Error" in first.stderr, first.output
    final = harness.orctl("apply", "-c", str(config), "--auto-approve")
    assert final.exit_code == 0, final.output
    _assert_one_key_per_name(harness)


def test_500_on_key_create_relists_and_retries(harness: Harness) -> None:
    config = copy_example("minimal", harness.cwd)
    harness.emulator.faults.configure(
        FaultConfig.single(operation="POST /keys", error_rate=1.0, error_statuses=(500,), seed=1)
    )
    failed = harness.orctl("apply", "-c", str(config), "--auto-approve")
    assert failed.exit_code == 1
    assert "failed: create api_key:sandbox/docs-summarizer" in failed.stdout
    assert "create failed twice" in failed.stdout
    harness.emulator.faults.configure(FaultConfig())
    assert harness.live_keys() == []
    assert harness.orctl("apply", "-c", str(config), "--auto-approve").exit_code == 0
    _assert_one_key_per_name(harness)


def test_failing_command_sink_disables_the_key_and_next_apply_replaces_it(harness: Harness) -> None:
    config = copy_example("minimal", harness.cwd)
    use_sink(config, {"type": "command", "run": ["false"]})
    failed = harness.orctl("apply", "-c", str(config), "--auto-approve")
    assert failed.exit_code == 1
    assert "orphaned key: api_key:sandbox/docs-summarizer" in failed.stdout
    (key,) = harness.live_keys()
    assert key["disabled"] is True and "orctl-pending" in key["name"]
    assert key["hash"] in failed.stdout
    use_sink(config, {"type": "file", "path": ".orctl/secrets/{workspace}/{key}.key"})
    fixed = harness.orctl("apply", "-c", str(config), "--auto-approve")
    assert fixed.exit_code == 0, fixed.output
    assert "orphan" in fixed.stdout  # the plan shows why the key is replaced
    (new,) = harness.live_keys()
    assert new["name"] == "docs-summarizer" and new["hash"] != key["hash"]


def test_unwritable_sink_is_caught_before_any_write(harness: Harness) -> None:
    config = copy_example("minimal", harness.cwd)
    blocker = harness.cwd / "not-a-directory"
    blocker.write_text("")  # a file where the sink needs a directory (fails even as root)
    use_sink(config, {"type": "file", "path": str(blocker / "{key}.key")})
    result = harness.orctl("apply", "-c", str(config), "--auto-approve")
    assert result.exit_code == 1
    assert "pre-flight" in result.stderr
    assert harness.emulator.stats.writes == 0


def test_rotation_needs_allow_rotate(harness: Harness) -> None:
    config = copy_example("minimal", harness.cwd)
    assert harness.orctl("apply", "-c", str(config), "--auto-approve").exit_code == 0
    expiry = "expires_at: '2027-10-31T00:00:00Z'"
    text = (config / "orctl.yaml").read_text().replace("expires_at: 2027-09-30T00:00:00Z", expiry)
    (config / "orctl.yaml").write_text(text)
    refused = harness.orctl("apply", "-c", str(config), "--auto-approve")
    assert refused.exit_code == 1 and "--allow-rotate" in refused.stderr
    before = {k["hash"] for k in harness.live_keys()}
    rotated = harness.orctl("apply", "-c", str(config), "--auto-approve", "--allow-rotate")
    assert rotated.exit_code == 0, rotated.output
    after = harness.live_keys()
    assert len(after) == 1 and after[0]["hash"] not in before
    secret_file = config / ".orctl/secrets/sandbox/docs-summarizer.key"
    assert (secret_file.stat().st_mode & 0o777) == 0o600
    # Relative sink paths start from the config's directory, not from where orctl runs.
    assert harness.cwd != config and not (harness.cwd / ".orctl" / "secrets").exists()


def test_github_actions_masks_each_new_secret_first(harness: Harness) -> None:
    config = copy_example("minimal", harness.cwd)
    result = harness.orctl("apply", "-c", str(config), "--auto-approve", env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code == 0, result.output
    secret = (config / ".orctl/secrets/sandbox/docs-summarizer.key").read_text().strip()
    lines = result.stdout.splitlines()
    mask = lines.index(f"::add-mask::{secret}")
    assert not any("Apply complete" in line for line in lines[:mask])
    assert result.output.count(secret) == 1


def test_dropped_key_create_is_found_by_relisting_and_reported(harness: Harness) -> None:
    config = copy_example("minimal", harness.cwd)
    harness.emulator.faults.configure(FaultConfig.single(operation="POST /keys", drop_nth=(1,)))
    result = harness.orctl("apply", "-c", str(config), "--auto-approve")
    assert result.exit_code == 0, result.output
    assert "removed a key whose secret was lost after an ambiguous create" in result.stdout
    assert harness.emulator.stats.count("POST /keys") == 2
    (key,) = harness.live_keys()
    stored = (config / ".orctl/secrets/sandbox/docs-summarizer.key.hash").read_text().strip()
    assert key["name"] == "docs-summarizer" and key["hash"] == stored


def test_moving_a_key_to_another_workspace_rotates_it(harness: Harness) -> None:
    config = copy_example("minimal", harness.cwd)
    assert harness.orctl("apply", "-c", str(config), "--auto-approve").exit_code == 0
    (old,) = harness.live_keys()
    text = (config / "orctl.yaml").read_text()
    key_block = text[text.index("    keys:\n") :]
    moved = key_block.replace(
        "      docs-summarizer:\n", "      docs-summarizer:\n        previous_names: [sandbox/docs-summarizer]\n"
    )
    text = text.replace(key_block, "") + "  sandbox-two:\n    name: Sandbox two\n    budgets: {monthly: 20}\n" + moved
    (config / "orctl.yaml").write_text(text)

    refused = harness.orctl("apply", "-c", str(config), "--auto-approve")
    assert refused.exit_code == 1 and "--allow-rotate" in refused.stderr
    result = harness.orctl("apply", "-c", str(config), "--auto-approve", "--allow-rotate")
    assert result.exit_code == 0, result.output
    assert "moved from workspace 'sandbox'" in result.stdout
    (new,) = harness.live_keys()  # the old key is gone: no duplicate
    assert new["hash"] != old["hash"] and new["name"] == "docs-summarizer"
    stored = (config / ".orctl/secrets/sandbox-two/docs-summarizer.key.hash").read_text().strip()
    assert stored == new["hash"]
    again = harness.orctl("apply", "-c", str(config), "--auto-approve")
    assert again.exit_code == 0 and "No changes" in again.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("garbage", "plan.json is not a saved plan: not JSON"),
        ('{"nope": 1}', "plan.json is not a saved plan: fingerprint: Field required"),
        ('{"format_version": "2.0"}', "plan.json has plan format 2.0; this orctl"),
    ],
)
def test_a_file_that_is_not_a_usable_plan_is_refused_cleanly(harness: Harness, content: str, message: str) -> None:
    planfile = harness.cwd / "plan.json"
    planfile.write_text(content)
    result = harness.orctl("apply", "plan.json")  # the harness runs in its cwd, as a user would
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {message}")
    assert "Traceback" not in result.output and harness.emulator.stats.writes == 0
