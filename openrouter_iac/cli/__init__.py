"""The `orctl` command line. The only part of orctl that prints or exits."""

from __future__ import annotations

import click

from openrouter_iac import __version__


class _OrderedGroup(click.Group):
    """Lists commands in workflow order (validate, plan, apply, ...) rather than alphabetically."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)


@click.group(cls=_OrderedGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="orctl")
def main() -> None:
    """orctl: run an OpenRouter account as code.

    Declare workspaces, guardrails, API keys, presets, BYOK credentials and observability
    destinations in YAML; `orctl plan` shows what would change, `orctl apply` makes it so.
    Every command that talks to OpenRouter takes --emulator to use a local emulated account.
    """


def _register() -> None:
    # Each command lives in its own module; registering here keeps import order explicit.
    from openrouter_iac.cli import commands

    for command in commands.ALL:
        main.add_command(command)


_register()
