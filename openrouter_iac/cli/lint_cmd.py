"""`orctl lint`: check the config against the built-in policy rules. Never calls the API."""

from __future__ import annotations

from pathlib import Path

import click

from openrouter_iac.cli.config_cmds import CONFIG_OPTION_HELP
from openrouter_iac.cli.failures import reported_errors
from openrouter_iac.config.loader import LoadedConfig, load_config
from openrouter_iac.policy import RULES, LintReport, lint
from openrouter_iac.render.lint import render_lint_json, render_lint_text
from openrouter_iac.render.sarif import render_sarif


def lint_loaded(loaded: LoadedConfig) -> LintReport:
    """The lint report of a loaded config, as plan, apply and lint all compute it."""
    return lint(loaded.config, loaded.source_map)


def _rules_table() -> str:
    width = max(len(rule.id) for rule in RULES)
    return "\n".join(f"{rule.id:<{width}}  {rule.severity:<7}  {rule.summary}" for rule in RULES)


@click.command(
    epilog="\b\nExamples:\n  orctl lint -c examples/agency\n"
    "  orctl lint --output sarif > orctl.sarif   # for GitHub code scanning\n\n"
    "Switch a rule off or change its severity in the config's `lint:` section (docs/policy.md)."
)
@click.option("-c", "--config", "config_path", type=click.Path(path_type=Path), help=CONFIG_OPTION_HELP)
@click.option(
    "--output",
    type=click.Choice(["text", "json", "sarif"]),
    default="text",
    show_default=True,
    help="text for terminals, json for machines, sarif (2.1.0) for code scanning.",
)
@click.option("--list-rules", is_flag=True, help="List the rules (id, default severity, what it asks) and exit.")
def lint_command(config_path: Path | None, output: str, list_rules: bool) -> None:
    """Check the config against the policy rules: caps, one key per behavior, risk flags, guardrails.

    Exit 0 when there is no error (warnings allowed), 1 with errors or an invalid config.
    """
    if list_rules:
        click.echo(_rules_table())
        return
    with reported_errors():
        report = lint_loaded(load_config(config_path))
    if output == "json":
        click.echo(render_lint_json(report))
    elif output == "sarif":
        click.echo(render_sarif(report))
    else:
        click.echo(render_lint_text(report))
    if report.errors:
        raise SystemExit(1)


lint_command.name = "lint"
