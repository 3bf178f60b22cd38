"""The one error boundary of the command line: no traceback ever reaches a user.

- An error orctl raises on purpose (:class:`OrctlError`) is printed by the command (`Error: ...`).
- A usage error (mistyped flag, bad option value) exits 1, not click's 2: under
  `--detailed-exitcode` 2 means "there are changes", and a typo must not read as drift.
- An operating-system error (a missing directory, a full disk) is one `Error:` line naming the file.
- Anything else is a bug: one `internal error: ..., please report it` line and exit 1. `--debug`
  (or `ORCTL_DEBUG=1`) prints the traceback too, and turns on orctl's debug log on stderr.

Every line is passed through :func:`redact`, like every other message orctl prints.
"""

from __future__ import annotations

import errno
import os
import sys
from typing import TYPE_CHECKING

import click

from openrouter_iac.errors import internal_error_message, redact

if TYPE_CHECKING:
    import logging

DEBUG_ENV = "ORCTL_DEBUG"

_LOG_NAME = "openrouter_iac"


def debug_from_env(environ: dict[str, str] | os._Environ[str] | None = None) -> bool:
    value = (environ if environ is not None else os.environ).get(DEBUG_ENV, "")
    return value.strip().lower() not in ("", "0", "false", "no", "off")


_handler: logging.Handler | None = None


def set_debug(enabled: bool) -> None:
    """Send orctl's debug log (tracebacks of internal errors included) to stderr, or stop."""
    global _handler
    if not enabled and _handler is None and "logging" not in sys.modules:
        return  # nothing has logged or can have: `logging` stays unimported (start-up time)
    import logging

    logger = logging.getLogger(_LOG_NAME)
    if _handler is not None:
        logger.removeHandler(_handler)
        _handler = None
    if enabled:
        _handler = _stderr_handler()
        _handler.setFormatter(logging.Formatter("orctl debug: %(message)s"))
        logger.addHandler(_handler)
        logger.setLevel(logging.DEBUG)
    else:
        logger.setLevel(logging.WARNING)


def _stderr_handler() -> logging.Handler:
    import logging

    class StderrHandler(logging.Handler):
        """Writes to the current ``sys.stderr`` (test runners swap it), redacted."""

        def emit(self, record: logging.LogRecord) -> None:
            try:
                sys.stderr.write(redact(self.format(record)) + "\n")
            except Exception:  # a broken stderr must not turn a log line into a second error
                self.handleError(record)

    return StderrHandler()


def debug_enabled() -> bool:
    return _handler is not None


def internal_error_line(exc: BaseException) -> str:
    hint = "" if debug_enabled() else f" (run with --debug or {DEBUG_ENV}=1 for the traceback)"
    return internal_error_message(exc) + hint


def print_traceback(exc: BaseException) -> None:
    """With --debug only: the traceback of ``exc``, redacted."""
    if debug_enabled():
        import traceback

        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        click.echo(redact(text.rstrip("\n")), err=True)


def report_internal_error(exc: BaseException) -> None:
    """The traceback (with --debug), then the one line."""
    print_traceback(exc)
    click.echo(internal_error_line(exc), err=True)


def os_error_line(exc: OSError) -> str:
    reason = exc.strerror or str(exc)
    where = f"{exc.filename}: " if exc.filename is not None else ""
    if exc.errno == errno.ENOENT and exc.filename is not None:
        parent = os.path.dirname(os.fspath(exc.filename))
        if parent and not os.path.isdir(parent):
            reason += f" (the directory {parent} does not exist)"
    elif exc.errno == errno.EEXIST and exc.filename is not None and os.path.isfile(exc.filename):
        reason = "a file, where a directory is needed"  # mkdir of a parent: "File exists" says nothing
    return redact(f"Error: {where}{reason}")


def is_broken_pipe(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno == errno.EPIPE
