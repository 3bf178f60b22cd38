"""How a failed change reads: its address once, the time before the reason (which may end in a hint)."""

from __future__ import annotations

from apply_harness import Harness, copy_example

from openrouter_iac.emulator.faults import FaultConfig


def test_a_failed_change_names_its_address_once_and_ends_with_the_reason(harness: Harness) -> None:
    config = copy_example("minimal", harness.cwd)
    harness.emulator.faults.configure(FaultConfig.single(operation="POST /keys", forbid=True))  # 403: an API error
    result = harness.orctl("apply", "-c", str(config), "--auto-approve")
    assert result.exit_code == 1
    address = "api_key:sandbox/docs-summarizer"
    [progress] = [line for line in result.stderr.splitlines() if line.startswith(f"+ {address} ...")]
    assert progress.startswith(f"+ {address} ... FAILED (") and "s): " in progress
    assert progress.count(address) == 1
    [summary] = [line for line in result.stdout.splitlines() if line.startswith("  failed: ")]
    assert summary.startswith(f"  failed: create {address}: ") and summary.count(address) == 1
    assert "HTTP 403" in summary
