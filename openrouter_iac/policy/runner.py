"""Running the rules over a config and applying the `lint:` section's severity changes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from openrouter_iac.kinds import NAMED
from openrouter_iac.model.config import Config
from openrouter_iac.model.lint import LintSeverity, RuleOverride
from openrouter_iac.model.positions import SourceMap
from openrouter_iac.policy.findings import Finding, Issue, LintContext, Rule, Suppressed
from openrouter_iac.policy.rules import LINT_CONFIG, RULE_BY_ID, RULES
from openrouter_iac.suggest import suggest


def utc_now() -> datetime:
    """The clock of every rule that looks at expiry dates (tests replace it)."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class LintReport:
    findings: list[Finding] = field(default_factory=list)
    suppressed: list[Suppressed] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]


def contains(container: str, address: str) -> bool:
    """Whether ``address`` is ``container`` or inside it (`workspace:lab` holds `api_key:lab/bot`)."""
    if container == address:
        return True
    kind, _, rest = container.partition(":")
    if kind != "workspace":
        return False
    _, _, inner = address.partition(":")
    return inner.split("/", 1)[0] == rest and address != container


def declared_addresses(config: Config) -> set[str]:
    """Addresses an override may name."""
    found = {"organization_settings"}
    for slug, workspace in config.workspaces.items():
        found |= {f"workspace:{slug}", f"default_guardrail:{slug}"}
        for kind in NAMED:  # every named kind of the table
            found |= {str(kind.address(slug, name)) for name in getattr(workspace, kind.collection or "")}
    return found


def _settings_issues(config: Config) -> Iterator[Issue]:
    known = declared_addresses(config)
    for rule_id in config.lint.rules:
        if rule_id not in RULE_BY_ID or rule_id == LINT_CONFIG:
            yield Issue(
                "lint",
                ("lint", "rules", rule_id),
                f"lint.rules: unknown rule {rule_id!r}{suggest(rule_id, RULE_BY_ID)}"
                if rule_id != LINT_CONFIG
                else f"{LINT_CONFIG} cannot be changed",
                "`orctl lint --list-rules` lists the rule ids",
            )
    for index, override in enumerate(config.lint.overrides):
        if override.rule not in RULE_BY_ID or override.rule == LINT_CONFIG:
            yield Issue(
                "lint",
                ("lint", "overrides", index, "rule"),
                f"lint.overrides[{index}]: unknown rule {override.rule!r}{suggest(override.rule, RULE_BY_ID)}",
                "`orctl lint --list-rules` lists the rule ids",
            )
        if override.object not in known:
            yield Issue(
                "lint",
                ("lint", "overrides", index, "object"),
                f"lint.overrides[{index}]: {override.object!r} is not an object declared in the config"
                + suggest(override.object, known),
                "use an address such as `api_key:WORKSPACE/NAME` or `workspace:SLUG`",
            )


def _severity(rule: Rule, subject: str, config: Config) -> tuple[LintSeverity, str | None, str | None]:
    """The severity for ``subject``, and the reason and place of the setting that decided it."""
    chosen: tuple[LintSeverity, str | None, str | None] = (rule.severity, None, None)
    setting = config.lint.rules.get(rule.id)
    if setting is not None:
        chosen = (setting.severity, setting.reason, f"lint.rules.{rule.id}")
    best: tuple[int, RuleOverride, int] | None = None
    for index, override in enumerate(config.lint.overrides):
        if override.rule == rule.id and contains(override.object, subject):
            exact = int(override.object == subject)
            if best is None or exact >= best[0]:
                best = (exact, override, index)
    if best is not None:
        chosen = (best[1].severity, best[1].reason, f"lint.overrides[{best[2]}]")
    return chosen


def _finding(rule: Rule, severity: LintSeverity, issue: Issue, ctx: LintContext) -> Finding:
    return Finding(
        rule=rule.id,
        severity="error" if severity == "error" else "warning",
        subject=issue.subject,
        message=issue.message,
        hint=issue.hint,
        objects=(issue.subject, *issue.others),
        position=ctx.position(issue.path),
    )


def lint(config: Config, source_map: SourceMap | None = None, *, now: datetime | None = None) -> LintReport:
    """Every finding of every rule, sorted by position; switched-off ones in ``suppressed``."""
    ctx = LintContext(config, source_map, now or utc_now())
    findings: list[Finding] = []
    suppressed: list[Suppressed] = []
    config_rule = RULE_BY_ID[LINT_CONFIG]
    findings.extend(_finding(config_rule, "error", issue, ctx) for issue in _settings_issues(config))
    for rule in RULES:
        if rule.check is None:
            continue
        # Without an override of the rule every subject gets the same severity: decided once.
        overridden = any(override.rule == rule.id for override in config.lint.overrides)
        fixed = _severity(rule, "", config)
        for issue in rule.check(ctx):
            severity, reason, where = _severity(rule, issue.subject, config) if overridden else fixed
            finding = _finding(rule, severity, issue, ctx)
            if severity == "off":
                suppressed.append(Suppressed(finding, reason or "", where or ""))
            else:
                findings.append(finding)
    findings.sort(key=_order)
    return LintReport(findings, suppressed)


def _order(finding: Finding) -> tuple[str, int, int, str]:
    p = finding.position
    return (p.file, p.line, p.column, finding.rule) if p else ("~", 0, 0, finding.subject + finding.rule)
