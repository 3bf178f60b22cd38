"""`orctl drift`: read-only; the same read and diff as plan, classed, with key hygiene."""

from __future__ import annotations

from pathlib import Path

import click

from openrouter_iac.cli.config_cmds import CONFIG_OPTION_HELP
from openrouter_iac.cli.failures import reported_errors
from openrouter_iac.cli.plan_cmd import preset_history_wanted, target_option
from openrouter_iac.cli.session import ApiOptions, api_options, api_session
from openrouter_iac.config.loader import load_config
from openrouter_iac.drift import drift_report, load_ignore, render_drift_json, render_drift_markdown, render_drift_text
from openrouter_iac.live.reader import read_live
from openrouter_iac.plan.builder import build_plan
from openrouter_iac.plan.unmatched_targets import with_unmatched_warnings
from openrouter_iac.secrets.audit import with_sink_audit
from openrouter_iac.secrets.opener import SinkCache

EXAMPLES = """
\b
Examples:
  orctl drift -c orctl --emulator
  orctl drift -c orctl --ignore drift-ignore.yaml --output markdown > issue.md   # nightly, in CI
  orctl drift -c orctl --target 'workspace:healthcare' --output json
\b
An ignore file is a YAML list:
  - api_key:research/notebook
  - {address: 'guardrail:marketing/*', reason: campaign week, until: 2027-01-31}
"""


@click.command(epilog=EXAMPLES)
@click.option("-c", "--config", "config_path", type=click.Path(path_type=Path), help=CONFIG_OPTION_HELP)
@click.option(
    "--output",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="text for terminals, json for machines, markdown for the body of a GitHub issue.",
)
@click.option(
    "--ignore",
    "ignore_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="YAML list of addresses or globs (or {address, reason, until}) whose drift is accepted.",
)
@click.option(
    "--show-all-unmanaged",
    is_flag=True,
    help="List every unmanaged object and key hygiene note (text and markdown count those beyond 20 "
    "of a kind per workspace; JSON lists all).",
)
@target_option
@api_options
def drift(
    config_path: Path | None,
    output: str,
    ignore_path: Path | None,
    show_all_unmanaged: bool,
    targets: tuple[str, ...],
    api: ApiOptions,
) -> None:
    """Report how the account differs from the config, without changing anything.

    Each difference is classed: changed (live differs from the config), missing (declared, gone
    live) or unmanaged (live, not declared), with the live `updated_at` where the API gives one.
    Key hygiene (idle 90 days, near the cap, no limit, no expiry) is reported too, without
    counting as drift. Exit 0 when there is no drift, 2 when there is, 1 on error.
    """
    with reported_errors():
        ignore = load_ignore(ignore_path) if ignore_path is not None else []
        loaded = load_config(config_path)
        with api_session(api) as session:
            live = read_live(
                session.client, parallelism=session.parallelism, wants_history=preset_history_wanted(loaded.config)
            )
        # A sink whose secret no longer matches a live key is drift too (the plan proposes a rotation).
        live = with_sink_audit(loaded.config, live, SinkCache(loaded.config, loaded.base_dir).get)
        plan = build_plan(loaded.config, live, base_dir=loaded.base_dir, source_map=loaded.source_map, targets=targets)
        plan = with_unmatched_warnings(plan, loaded.config)
        report = drift_report(plan, live, ignore=ignore)
        if output == "json":
            click.echo(render_drift_json(report), nl=False)
        else:
            render = render_drift_markdown if output == "markdown" else render_drift_text
            click.echo(render(report, show_all_unmanaged=show_all_unmanaged), nl=False)
    if report.drifted:
        raise SystemExit(2)
