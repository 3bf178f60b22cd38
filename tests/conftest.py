"""Suite-wide test settings.

The policy gate of `orctl apply` (refusing configs with `orctl lint` errors) is tested in
tests/policy/. The rest of the suite applies small configs written for what it tests (bare keys,
no budgets), so it turns the gate off the way a user can, with ORCTL_ALLOW_POLICY_VIOLATIONS=1.
"""

from __future__ import annotations

from pathlib import Path

import pytest

POLICY_TESTS = Path(__file__).resolve().parent / "policy"


@pytest.fixture(autouse=True)
def _policy_gate(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if POLICY_TESTS in Path(str(request.node.path)).resolve().parents:
        monkeypatch.delenv("ORCTL_ALLOW_POLICY_VIOLATIONS", raising=False)
    else:
        monkeypatch.setenv("ORCTL_ALLOW_POLICY_VIOLATIONS", "1")
