"""The list of top-level commands. Add one line per command module."""

from __future__ import annotations

import click

from openrouter_iac.cli import config_cmds
from openrouter_iac.cli.apply_cmd import apply
from openrouter_iac.cli.auth_cmd import auth
from openrouter_iac.cli.emulator_cmd import emulator
from openrouter_iac.cli.plan_cmd import plan

ALL: list[click.Command] = [
    config_cmds.validate,
    plan,
    apply,
    config_cmds.schema,
    auth,
    emulator,
]
