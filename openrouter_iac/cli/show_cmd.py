"""`orctl show PLANFILE`: render a saved plan again, in any format, without calling the API."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from openrouter_iac.cli.failures import reported_errors
from openrouter_iac.cli.plan_cmd import GRAPH, SHOW_ALL_UNMANAGED, check_graph_option, render
from openrouter_iac.plan.plan_file import read_plan
from openrouter_iac.render import should_color


@click.command()
@click.argument("planfile", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "--output",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="text for terminals, json for machines (same format as `plan --output json`), markdown for PR comments.",
)
@click.option("--no-color", is_flag=True, help="No ANSI colors (also: NO_COLOR=1).")
@click.option("--show-empty", is_flag=True, help="With --output markdown, print a line even when nothing changes.")
@SHOW_ALL_UNMANAGED
@GRAPH
def show(planfile: Path, output: str, no_color: bool, show_empty: bool, show_all_unmanaged: bool, graph: bool) -> None:
    """Show a saved plan (from `orctl plan --out PLANFILE`). Reads only the file: no API call.

    \b
    Examples:
      orctl show plan.bin
      orctl show plan.bin --output markdown --graph > comment.md
      orctl show plan.bin --output json | jq '.summary'
    """
    check_graph_option(graph, output)
    with reported_errors():
        saved = read_plan(planfile)
        text = render(
            saved, output, no_color=no_color, show_empty=show_empty, show_all_unmanaged=show_all_unmanaged, graph=graph
        )
    if text:
        colored = output == "text" and should_color(sys.stdout.isatty(), no_color, os.environ)
        click.echo(text, nl=not text.endswith("\n"), color=True if colored else None)
