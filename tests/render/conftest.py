"""Fixtures of the renderer tests."""

from __future__ import annotations

import pytest
from render_support import full_plan, make_plan

from openrouter_iac.plan.model import Plan


@pytest.fixture
def plan() -> Plan:
    """One change of every kind and action, unmanaged objects, a warning and rotations."""
    return full_plan()


@pytest.fixture
def empty_plan() -> Plan:
    return make_plan()
