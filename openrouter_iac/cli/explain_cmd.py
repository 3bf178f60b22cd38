"""`orctl explain key WORKSPACE/NAME` and `orctl explain workspace SLUG`: the effective policy."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from openrouter_iac.cli.config_cmds import CONFIG_OPTION_HELP
from openrouter_iac.cli.failures import reported_errors
from openrouter_iac.cli.plan_cmd import plan_and_live
from openrouter_iac.cli.session import ApiOptions, api_options
from openrouter_iac.config.loader import load_config
from openrouter_iac.errors import OrctlError
from openrouter_iac.model.resources import AccountState
from openrouter_iac.policy.after import state_after, with_canonical_models
from openrouter_iac.policy.explain import Explanation, explain_key, explain_workspace
from openrouter_iac.render.explain import render_explanation, render_side_by_side

Explainer = Callable[[AccountState], Explanation]

PLAN_HELP = "Read the live account too and show before (live) and after (this config) side by side."


def _run(config_path: Path | None, with_plan: bool, api: ApiOptions, explain: Explainer, known: str) -> None:
    loaded = load_config(config_path)
    desired = loaded.config.account()
    if not with_plan:
        explanation = explain(desired)
        if not explanation.found:
            raise OrctlError(f"{explanation.subject} is not declared in the config", hint=known)
        click.echo(render_explanation(explanation))
        return
    plan, live = plan_and_live(loaded, api)
    after_state = with_canonical_models(state_after(loaded.config, live.state, plan), live.catalogue.canonical)
    before, after = explain(live.state), explain(after_state)
    if not before.found and not after.found:
        raise OrctlError(f"{after.subject} is neither in the config nor in the live account", hint=known)
    click.echo(render_side_by_side(before, after))


def _names(config_path: Path | None) -> tuple[list[str], list[str]]:
    """Declared workspaces and keys (for hints); empty when the config cannot be loaded."""
    try:
        config = load_config(config_path).config
    except OrctlError:
        return [], []
    keys = [f"{slug}/{name}" for slug, ws in config.workspaces.items() for name in ws.keys]
    return list(config.workspaces), keys


def _hint(kind: str, names: list[str]) -> str:
    return f"declared {kind}: {', '.join(names[:10])}" + (" ..." if len(names) > 10 else "") if names else ""


@click.group(
    epilog="\b\nExamples:\n  orctl explain key healthcare/intake-summarizer\n"
    "  orctl explain workspace healthcare --plan --emulator"
)
def explain() -> None:
    """Show the effective policy of a key or a workspace from every layer that applies.

    Allowed models and providers after intersecting every guardrail, ZDR, data regions, filters and
    detectors, and every cap with its period and the one that binds first (docs/policy.md).
    """


@explain.command("key")
@click.argument("address", metavar="WORKSPACE/NAME")
@click.option("-c", "--config", "config_path", type=click.Path(path_type=Path), help=CONFIG_OPTION_HELP)
@click.option("--plan", "with_plan", is_flag=True, help=PLAN_HELP)
@api_options
def explain_key_command(address: str, config_path: Path | None, with_plan: bool, api: ApiOptions) -> None:
    """Show the effective policy of one key: every guardrail that applies to it, and its caps.

    \b
    Examples:
      orctl explain key healthcare/intake-summarizer -c examples/agency
      orctl explain key healthcare/intake-summarizer --plan --emulator
    """
    with reported_errors():
        slug, _, name = address.partition("/")
        if not slug or not name:
            raise OrctlError(
                f"{address!r} is not WORKSPACE/NAME", hint="e.g. `orctl explain key healthcare/intake-summarizer`"
            )
        _run(config_path, with_plan, api, lambda s: explain_key(s, slug, name), _hint("keys", _names(config_path)[1]))


@explain.command("workspace")
@click.argument("slug")
@click.option("-c", "--config", "config_path", type=click.Path(path_type=Path), help=CONFIG_OPTION_HELP)
@click.option("--plan", "with_plan", is_flag=True, help=PLAN_HELP)
@api_options
def explain_workspace_command(slug: str, config_path: Path | None, with_plan: bool, api: ApiOptions) -> None:
    """Show the effective policy of a workspace: its default guardrail, keys, member guardrails and caps.

    \b
    Examples:
      orctl explain workspace healthcare -c examples/agency
      orctl explain workspace healthcare --plan --emulator
    """
    with reported_errors():
        hint = _hint("workspaces", _names(config_path)[0])
        _run(config_path, with_plan, api, lambda s: explain_workspace(s, slug), hint)
