"""The `lint:` section of a config: switching a policy rule off, or changing its severity, for the
whole config or for one object, always with a reason (reviewers read it in the PR)."""

# No `from __future__ import annotations` in the model modules: pydantic then reads the annotations
# as objects instead of compiling each string (part of `orctl validate`'s start-up budget).

from typing import Literal

from pydantic import Field

from openrouter_iac.model.base import Spec, empty_dict, empty_list

LintSeverity = Literal["off", "warning", "error"]
"""What a finding of a rule counts as: `error` blocks `orctl apply`, `warning` is shown, `off` is silent."""

RULE_ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class RuleSetting(Spec):
    """A rule's severity for the whole config."""

    severity: LintSeverity
    """`off`, `warning` or `error`."""
    reason: str = Field(min_length=1, pattern=r"\S")
    """Why the rule is changed (required: it is the review trail)."""


class RuleOverride(Spec):
    """A rule's severity for one object (and everything inside it, for a workspace)."""

    rule: str = Field(pattern=RULE_ID_PATTERN)
    """Rule id, e.g. `key-no-expiry` (`orctl lint --list-rules` lists them)."""
    object: str = Field(min_length=1)
    """Address of the object, e.g. `api_key:lab/scratch` or `workspace:lab`."""
    severity: LintSeverity
    """`off`, `warning` or `error` for this object."""
    reason: str = Field(min_length=1, pattern=r"\S")
    """Why this object is an exception (required)."""


class LintSettings(Spec):
    """Severity changes of the built-in policy rules."""

    rules: dict[str, RuleSetting] = Field(default_factory=empty_dict)
    """Rule id → severity and reason, for the whole config."""
    overrides: list[RuleOverride] = Field(default_factory=empty_list)
    """Per-object severities; they win over `rules`."""
