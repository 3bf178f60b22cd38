"""Turning orctl errors into one clear message on stderr and exit code 1 (never a traceback)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from openrouter_iac.cli.boundary import os_error_line
from openrouter_iac.errors import OrctlError


@contextmanager
def reported_errors() -> Iterator[None]:
    """Print an :class:`OrctlError` as `Error: ...` (plus its hint) and exit 1."""
    try:
        yield
    except OrctlError as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        raise SystemExit(130) from None
    except OSError as exc:  # one line naming the file (`Error: /proc/x.json.lock: No such file or directory`)
        click.echo(os_error_line(exc), err=True)
        raise SystemExit(1) from None
