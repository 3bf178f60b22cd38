"""The `orctl` command line. The only part of orctl that prints or exits."""

from __future__ import annotations

from typing import Any

import click

from openrouter_iac import __version__
from openrouter_iac.cli import boundary
from openrouter_iac.cli.commands import COMMANDS
from openrouter_iac.cli.lazy import LazyGroup


class _OrctlGroup(LazyGroup):
    """The one error boundary (see :mod:`openrouter_iac.cli.boundary`) around lazily loaded commands."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        boundary.set_debug(boundary.debug_from_env())  # --debug, once parsed, can only turn it on
        try:
            return super().main(*args, **kwargs)
        finally:
            boundary.set_debug(False)

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.UsageError as exc:
            setattr(exc, "exit_code", 1)  # noqa: B010 - a ClassVar in the stubs; 2 means "changes"
            raise

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            setattr(exc, "exit_code", 1)  # noqa: B010
            raise
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:  # click's own "Aborted!" would exit 1, as an error does
            click.echo("Interrupted.", err=True)
            raise SystemExit(130) from None
        except OSError as exc:
            if boundary.is_broken_pipe(exc):
                raise  # click quiets a closed pipe (`orctl plan | head`)
            boundary.print_traceback(exc)
            click.echo(boundary.os_error_line(exc), err=True)
            raise SystemExit(1) from None
        except Exception as exc:
            boundary.report_internal_error(exc)
            raise SystemExit(1) from None


def _debug(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    if value:
        boundary.set_debug(True)
    return value


@click.group(
    cls=_OrctlGroup,
    lazy_commands=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="\b\nExamples:\n  orctl validate -c orctl/\n  orctl plan -c examples/agency --emulator\n"
    "  orctl apply -c orctl/ --auto-approve\n  orctl COMMAND --help   # each command's options and examples",
)
@click.version_option(__version__, prog_name="orctl")
@click.option(
    "--debug",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_debug,
    help=f"Print tracebacks and orctl's debug log on stderr (also: {boundary.DEBUG_ENV}=1).",
)
def main() -> None:
    """orctl: run an OpenRouter account as code.

    Declare workspaces, guardrails, API keys, presets, BYOK credentials and observability
    destinations in YAML; `orctl plan` shows what would change, `orctl apply` makes it so.
    Every command that talks to OpenRouter takes --emulator to use a local emulated account.
    """
