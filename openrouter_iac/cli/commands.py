"""The list of top-level commands. Add one line per command module."""

from __future__ import annotations

import click

ALL: list[click.Command] = []
