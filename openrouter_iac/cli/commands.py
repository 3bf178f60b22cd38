"""The list of top-level commands. Add one line per command module."""

from __future__ import annotations

import click

from openrouter_iac.cli import config_cmds
from openrouter_iac.cli.apply_cmd import apply
from openrouter_iac.cli.auth_cmd import auth
from openrouter_iac.cli.emulator_cmd import emulator
from openrouter_iac.cli.plan_cmd import plan
from openrouter_iac.cli.show_cmd import show

ALL: list[click.Command] = [
    config_cmds.validate,
    plan,
    apply,
    show,
    config_cmds.schema,
    auth,
    emulator,
]
