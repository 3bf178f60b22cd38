"""`orctl validate` and `orctl schema`: config checks that never touch the network."""

from __future__ import annotations

from pathlib import Path

import click

from openrouter_iac.config.json_schema import config_schema_text
from openrouter_iac.config.loader import load_config
from openrouter_iac.errors import ConfigError

CONFIG_OPTION_HELP = "Config file or directory of YAML files (default: orctl.yaml or orctl/ here)."


@click.command()
@click.option("-c", "--config", "config_path", type=click.Path(path_type=Path), help=CONFIG_OPTION_HELP)
def validate(config_path: Path | None) -> None:
    """Check a config without calling the API. Exit 0 when valid, 1 with every problem listed."""
    try:
        loaded = load_config(config_path)
    except ConfigError as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(1) from None
    config = loaded.config
    counts = {
        "workspaces": len(config.workspaces),
        "guardrails": sum(len(w.guardrails) for w in config.workspaces.values()),
        "keys": sum(len(w.keys) for w in config.workspaces.values()),
        "presets": sum(len(w.presets) for w in config.workspaces.values()),
    }
    summary = ", ".join(f"{n} {kind if n != 1 else kind.removesuffix('s')}" for kind, n in counts.items())
    files = len(loaded.files)
    click.echo(f"The config is valid ({files} file{'s' if files != 1 else ''}: {summary}).")


@click.command()
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to this file instead of stdout.")
def schema(output: Path | None) -> None:
    """Print the JSON Schema of the config language (draft-07, for yaml-language-server)."""
    text = config_schema_text()
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
