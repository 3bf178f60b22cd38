"""`orctl plan`: read the live account, diff it against the config, and show the plan."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from openrouter_iac.cli.config_cmds import CONFIG_OPTION_HELP
from openrouter_iac.cli.failures import reported_errors
from openrouter_iac.cli.origin import with_origin
from openrouter_iac.cli.session import ApiOptions, api_options, api_session
from openrouter_iac.cli.targets import check_targets
from openrouter_iac.config.loader import LoadedConfig, load_config
from openrouter_iac.gc_pause import paused_gc
from openrouter_iac.live.reader import WantsHistory, read_live
from openrouter_iac.model.address import Address
from openrouter_iac.model.config import Config
from openrouter_iac.model.snapshot import LiveSnapshot
from openrouter_iac.plan.builder import build_plan
from openrouter_iac.plan.model import Plan
from openrouter_iac.plan.unmatched_targets import with_unmatched_warnings
from openrouter_iac.policy.plan_facts import with_policy
from openrouter_iac.render import render_json, render_markdown, render_text, should_color
from openrouter_iac.secrets.audit import with_sink_audit
from openrouter_iac.secrets.opener import SinkCache

F = TypeVar("F", bound=Callable[..., Any])


def preset_history_wanted(config: Config) -> WantsHistory:
    """Read a preset's older versions only when its designated content differs from the config."""
    desired: dict[str, dict[str, Any]] = {
        Address.of("preset", slug, name): p.content()
        for slug, ws in config.workspaces.items()
        for name, p in ws.presets.items()
    }

    def wants(address: str, designated: dict[str, Any]) -> bool:
        return address in desired and desired[address] != designated

    return wants


def make_plan(loaded: LoadedConfig, api: ApiOptions, targets: Sequence[str] = (), retire_now: bool = False) -> Plan:
    """Read the account and build the plan (limited to ``targets`` when given)."""
    return plan_and_live(loaded, api, targets, retire_now)[0]


@paused_gc()  # a plan's objects hold no cycles; collections between its steps cost 0.5 s at 20,000 keys
def plan_and_live(
    loaded: LoadedConfig, api: ApiOptions, targets: Sequence[str] = (), retire_now: bool = False
) -> tuple[Plan, LiveSnapshot]:
    """The plan, and the live snapshot it was made from (`orctl explain --plan` shows both sides)."""
    with api_session(api) as session:
        live = read_live(
            session.client, parallelism=session.parallelism, wants_history=preset_history_wanted(loaded.config)
        )
    live = with_sink_audit(loaded.config, live, SinkCache(loaded.config, loaded.base_dir).get)
    built = build_plan(
        loaded.config,
        live,
        base_dir=loaded.base_dir,
        source_map=loaded.source_map,
        targets=targets,
        retire_now=retire_now,
    )
    planned = with_policy(built, loaded.config, loaded.source_map, live.state)
    return with_unmatched_warnings(planned, loaded.config), live


RETIRE_NOW = click.option(
    "--retire-now",
    is_flag=True,
    help="Delete the old keys of rotations with rotation_overlap now, before their due time.",
)


def target_option(command: F) -> F:
    """`--target ADDRESS` (repeatable, globs allowed), as every command that can run on a part of the account."""
    option = click.option(
        "--target",
        "targets",
        multiple=True,
        metavar="ADDRESS",
        callback=check_targets,
        help="Only these addresses, globs allowed (repeatable): e.g. 'api_key:healthcare/*'; "
        "'workspace:SLUG' is the workspace and everything in it.",
    )
    return option(command)


def check_graph_option(graph: bool, output: str) -> None:
    if graph and output != "markdown":
        raise click.UsageError("--graph goes with --output markdown (`orctl graph` draws the whole hierarchy)")


@paused_gc()
def render(
    plan: Plan,
    output: str,
    *,
    no_color: bool,
    show_empty: bool = False,
    show_all_unmanaged: bool = False,
    graph: bool = False,
) -> str:
    if output == "json":
        return render_json(plan)  # always every unmanaged object
    if output == "markdown":
        return render_markdown(plan, show_empty=show_empty, show_all_unmanaged=show_all_unmanaged, graph=graph)
    color = should_color(sys.stdout.isatty(), no_color, os.environ)
    return render_text(plan, color=color, show_all_unmanaged=show_all_unmanaged)


SHOW_ALL_UNMANAGED = click.option(
    "--show-all-unmanaged",
    is_flag=True,
    help="List every unmanaged object (text and markdown count those beyond 20 of a kind per workspace).",
)
GRAPH = click.option("--graph", is_flag=True, help="With --output markdown, add a Mermaid graph of what changes.")


def write_plan_file(plan: Plan, path: Path) -> None:
    """Save the plan for `orctl apply PLANFILE`. It holds references, never secret values."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(plan.model_dump_json(indent=2) + "\n", encoding="utf-8")


@click.command()
@click.option("-c", "--config", "config_path", type=click.Path(path_type=Path), help=CONFIG_OPTION_HELP)
@click.option(
    "-o",
    "--out",
    "out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Save the plan to this file for `orctl apply PLANFILE` and `orctl show PLANFILE`.",
)
@click.option(
    "--output",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="text for terminals, json for machines (stable format), markdown for PR comments.",
)
@click.option("--no-color", is_flag=True, help="No ANSI colors (also: NO_COLOR=1).")
@click.option("--show-empty", is_flag=True, help="With --output markdown, print a line even when nothing changes.")
@SHOW_ALL_UNMANAGED
@GRAPH
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 0 when there are no changes, 2 when there are changes, 1 on error.",
)
@RETIRE_NOW
@target_option
@api_options
def plan(
    config_path: Path | None,
    out: Path | None,
    output: str,
    no_color: bool,
    show_empty: bool,
    show_all_unmanaged: bool,
    graph: bool,
    detailed_exitcode: bool,
    retire_now: bool,
    targets: tuple[str, ...],
    api: ApiOptions,
) -> None:
    """Show what `orctl apply` would change in the account. Writes nothing to OpenRouter.

    \b
    Examples:
      orctl plan -c examples/agency --emulator
      orctl plan -c orctl/ --out plan.bin --output markdown --graph > comment.md
      orctl plan --output json --detailed-exitcode     # exit 2 when there are changes
      orctl plan --retire-now --out plan.bin           # end every rotation overlap now
    """
    check_graph_option(graph, output)
    with reported_errors():
        loaded = load_config(config_path)
        the_plan = with_origin(make_plan(loaded, api, targets, retire_now), config_path, api)
        text = render(
            the_plan,
            output,
            no_color=no_color,
            show_empty=show_empty,
            show_all_unmanaged=show_all_unmanaged,
            graph=graph,
        )
        if text:
            # click strips ANSI codes when stdout is not a terminal; FORCE_COLOR asked for them.
            colored = output == "text" and should_color(sys.stdout.isatty(), no_color, os.environ)
            click.echo(text, nl=not text.endswith("\n"), color=True if colored else None)
        if out is not None:
            write_plan_file(the_plan, out)
            from openrouter_iac.cli.next_command import account_flags, suggest

            config_flags = ["-c", str(config_path)] if config_path is not None else []
            again = suggest("orctl", "apply", out, *config_flags, *account_flags(api))
            click.echo(f"Saved the plan to {out}; apply it with: {again}", err=True)
    if detailed_exitcode and the_plan.has_changes:
        raise SystemExit(2)
