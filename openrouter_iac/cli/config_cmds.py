"""`orctl validate` and `orctl schema`: config checks that never touch the network."""

from __future__ import annotations

import os
from pathlib import Path

import click

from openrouter_iac.config.loader import load_config
from openrouter_iac.errors import ConfigError
from openrouter_iac.model.config import Config

CONFIG_OPTION_HELP = "Config file or directory of YAML files (default: orctl.yaml or orctl/ here)."


@click.command()
@click.option("-c", "--config", "config_path", type=click.Path(path_type=Path), help=CONFIG_OPTION_HELP)
@click.option(
    "--output",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text for people, json for machines, github for workflow annotations on the PR diff.",
)
def validate(config_path: Path | None, output: str) -> None:
    """Check a config without calling the API. Exit 0 when valid, 1 with every problem listed.

    \b
    Examples:
      orctl validate -c examples/agency
      orctl validate -c orctl/ --output github     # in a GitHub Actions step
      orctl validate --output json | jq '.problems[].message'
    """
    if output != "text":  # problems for machines: not loaded by a plain `orctl validate` (start-up)
        from openrouter_iac.render.problems import render_problems_github, render_problems_json

    try:
        loaded = load_config(config_path)
    except ConfigError as exc:
        if output == "json":
            click.echo(render_problems_json(exc.problems, files=[], counts={}))
        elif output == "github":
            click.echo(render_problems_github(exc.problems))
        if output != "json":
            click.echo(f"Error: {exc}", err=True)
        raise SystemExit(1) from None
    counts = _counts(loaded.config)
    if output == "json":
        files = [os.path.relpath(file) for file in loaded.files]
        click.echo(render_problems_json([], files=files, counts=counts, warnings=loaded.warnings))
        return
    if output == "github" and loaded.warnings:
        click.echo(render_problems_github([], loaded.warnings))
    for warning in loaded.warnings:
        click.echo(f"Warning: {warning}", err=True)
    summary = ", ".join(f"{n} {kind if n != 1 else kind.removesuffix('s')}" for kind, n in counts.items())
    files_count = len(loaded.files)
    click.echo(f"The config is valid ({files_count} file{'s' if files_count != 1 else ''}: {summary}).")


def _counts(config: Config) -> dict[str, int]:
    return {
        "workspaces": len(config.workspaces),
        "guardrails": sum(len(w.guardrails) for w in config.workspaces.values()),
        "keys": sum(len(w.keys) for w in config.workspaces.values()),
        "presets": sum(len(w.presets) for w in config.workspaces.values()),
    }


@click.command()
@click.option("-o", "--out", "output", type=click.Path(path_type=Path), help="Write to this file instead of stdout.")
# `--output` is a format everywhere else; the old spelling still works here but is not advertised.
@click.option("--output", "deprecated_output", type=click.Path(path_type=Path), hidden=True)
def schema(output: Path | None, deprecated_output: Path | None) -> None:
    """Print the JSON Schema of the config language (draft-07, for yaml-language-server).

    \b
    Examples:
      orctl schema -o schemas/orctl.schema.json
      orctl schema | jq '.properties | keys'
    """
    if deprecated_output is not None:
        click.echo("Warning: `orctl schema --output FILE` is deprecated; use --out/-o FILE", err=True)
        output = output or deprecated_output
    from openrouter_iac.config.json_schema import config_schema_text  # only this command needs it

    text = config_schema_text()
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
