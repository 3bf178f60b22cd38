"""A click group that imports a command's module only when that command runs.

`orctl --help` and `orctl validate` must start fast (they run as pre-commit hooks), so the
group lists commands from a table of one-line helps and imports nothing of a command it does
not run: the HTTP client, the keyring and the emulator stay unloaded for `validate`.
"""

from __future__ import annotations

import gc
import importlib
from collections.abc import Mapping

import click

from openrouter_iac.cli.pydantic_plugins import skip_discovery_when_none_installed


class LazyGroup(click.Group):
    """Commands resolved on demand from ``{name: ("module:attribute", "one-line help")}``.

    Commands are listed in the table's order (the workflow order), not alphabetically.
    """

    def __init__(self, *args: object, lazy_commands: Mapping[str, tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy_commands = dict(lazy_commands)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*self.lazy_commands, *(name for name in self.commands if name not in self.lazy_commands)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        entry = self.lazy_commands.get(cmd_name)
        if entry is None:
            return None
        command = load_command(entry[0])
        self.commands[cmd_name] = command
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from the table, so `--help` imports no command module."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            # A stand-in command shortens the table's help exactly as click shortens a docstring.
            command = self.commands.get(name) or click.Command(name, help=self.lazy_commands[name][1])
            rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def load_command(target: str) -> click.Command:
    """Import ``"package.module:attribute"`` and return the click command it names."""
    module_name, _, attribute = target.partition(":")
    # The import builds the pydantic models: tens of thousands of new objects, none of them garbage.
    # The collector's passes over them (during the import, and again at exit) were ~8% of
    # `orctl validate`: pause it meanwhile, then freeze what was imported so no pass visits it again.
    skip_discovery_when_none_installed()  # every command builds models: the first one would look for plugins
    enabled = gc.isenabled()
    gc.disable()
    try:
        module = importlib.import_module(module_name)
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
    command = getattr(module, attribute)
    if not isinstance(command, click.Command):
        raise TypeError(f"{target} is not a click command")
    return command
