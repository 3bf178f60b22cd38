"""The `orctl` command line. The only part of orctl that prints or exits."""

from __future__ import annotations

import click

from openrouter_iac import __version__
from openrouter_iac.cli.commands import COMMANDS
from openrouter_iac.cli.lazy import LazyGroup


@click.group(
    cls=LazyGroup,
    lazy_commands=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="orctl")
def main() -> None:
    """orctl: run an OpenRouter account as code.

    Declare workspaces, guardrails, API keys, presets, BYOK credentials and observability
    destinations in YAML; `orctl plan` shows what would change, `orctl apply` makes it so.
    Every command that talks to OpenRouter takes --emulator to use a local emulated account.
    """
