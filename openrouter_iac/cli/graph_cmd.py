"""`orctl graph`: draw the hierarchy a config declares, from the config alone (no API call)."""

from __future__ import annotations

from pathlib import Path

import click

from openrouter_iac.cli.config_cmds import CONFIG_OPTION_HELP
from openrouter_iac.cli.failures import reported_errors
from openrouter_iac.config.loader import load_config
from openrouter_iac.render.graph import config_graph
from openrouter_iac.render.graph_formats import render_graph


@click.command()
@click.option("-c", "--config", "config_path", type=click.Path(path_type=Path), help=CONFIG_OPTION_HELP)
@click.option(
    "--output",
    "--format",
    "output",
    type=click.Choice(["mermaid", "text", "dot"]),
    default="mermaid",
    show_default=True,
    help="mermaid (GitHub renders it in markdown), text (a tree for terminals) or dot (Graphviz).",
)
def graph(config_path: Path | None, output: str) -> None:
    """Draw the account's hierarchy: organization, workspaces, guardrails, keys, presets.

    BYOK credentials and observability destinations hang from their workspace, with dotted
    lines to the keys they serve; caps (budgets, guardrail budgets, key limits) label the edges.
    Reads only the config: no API call.

    \b
    Examples:
      orctl graph -c examples/agency --format text
      orctl graph -c orctl/ > hierarchy.mmd
      orctl graph -c orctl/ --format dot | dot -Tsvg > hierarchy.svg
    """
    with reported_errors():
        config = load_config(config_path).config
    click.echo(render_graph(config_graph(config), output))
