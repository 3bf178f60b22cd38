"""Options shared by every command that talks to OpenRouter, and the client they produce.

`--emulator` swaps the real API for an in-process emulator whose account lives in a state file
(`.orctl/emulator.json` by default), so every command can be tried with no account at all.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
import httpx

from openrouter_iac.client import OpenRouterClient, RequestGate, resolve_base_url, resolve_management_key
from openrouter_iac.client.credentials import can_prompt
from openrouter_iac.errors import AuthenticationError, OrctlError

if TYPE_CHECKING:
    from openrouter_iac.emulator import EmbeddedEmulator

DEFAULT_EMULATOR_STATE = Path(".orctl/emulator.json")
DEFAULT_PARALLELISM = 10
DEFAULT_TIMEOUT = 10.0

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class ApiOptions:
    base_url: str | None
    management_key_file: str | None
    emulator: bool
    emulator_state: Path
    parallelism: int
    timeout: float = DEFAULT_TIMEOUT


def api_options(command: F) -> F:
    """Add the connection options to a click command; it receives them as ``api: ApiOptions``."""
    options = [
        click.option(
            "--base-url",
            help="Management API base URL (else OPENROUTER_BASE_URL, else https://openrouter.ai/api/v1).",
        ),
        click.option(
            "--management-key-file",
            metavar="PATH",
            help="Read the management key from PATH ('-' for stdin). Else OPENROUTER_MANAGEMENT_KEY, "
            "else the keyring (`orctl auth login`).",
        ),
        click.option(
            "--emulator",
            is_flag=True,
            help="Use a local emulated OpenRouter account instead of the real API (no account needed).",
        ),
        click.option(
            "--emulator-state",
            type=click.Path(path_type=Path, dir_okay=False),
            default=DEFAULT_EMULATOR_STATE,
            show_default=True,
            help="State file of the emulated account (with --emulator).",
        ),
        click.option(
            "--parallelism",
            type=click.IntRange(1, 64),
            default=DEFAULT_PARALLELISM,
            show_default=True,
            help="Maximum concurrent API requests: reads, and apply's independent changes (1: one at a time).",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(0.1, 600),
            default=DEFAULT_TIMEOUT,
            show_default=True,
            envvar="ORCTL_TIMEOUT",
            metavar="SECONDS",
            help="Connect and read timeout per request; a request that times out twice fails the run.",
        ),
    ]

    def gather(**kwargs: Any) -> Any:
        kwargs["api"] = ApiOptions(
            base_url=kwargs.pop("base_url"),
            management_key_file=kwargs.pop("management_key_file"),
            emulator=kwargs.pop("emulator"),
            emulator_state=kwargs.pop("emulator_state"),
            parallelism=kwargs.pop("parallelism"),
            timeout=kwargs.pop("timeout"),
        )
        return command(**kwargs)

    gather.__name__ = command.__name__
    gather.__doc__ = command.__doc__
    wrapped: Any = gather
    for option in reversed(options):
        wrapped = option(wrapped)
    return wrapped  # type: ignore[no-any-return]


@dataclass(frozen=True)
class ApiSession:
    client: OpenRouterClient
    base_url: str
    parallelism: int
    transport: httpx.BaseTransport | None = None
    """The embedded emulator's transport (None for the real API)."""
    timeout: float = DEFAULT_TIMEOUT
    gate: RequestGate | None = None
    """Shared by every client of the session: --parallelism requests in flight, one 429 pause."""

    def client_for(self, key: str) -> OpenRouterClient:
        """A client calling as another key (e.g. the inference key that publishes a preset)."""
        return OpenRouterClient(self.base_url, key, transport=self.transport, timeout=self.timeout, gate=self.gate)


@contextmanager
def api_session(options: ApiOptions) -> Iterator[ApiSession]:
    """A client for the real API, or for the embedded emulator (its state saved on exit)."""
    gate = RequestGate(options.parallelism)
    if options.emulator:
        with _embedded_emulator(options.emulator_state) as emulator:
            client = OpenRouterClient(
                emulator.base_url, emulator.management_key, transport=emulator.transport, gate=gate
            )
            with client:
                yield ApiSession(client, emulator.base_url, options.parallelism, emulator.transport, gate=gate)
        return
    base_url = resolve_base_url(options.base_url)
    key = resolve_management_key(options.management_key_file, allow_prompt=can_prompt(sys.stdin, os.environ))
    with OpenRouterClient(base_url, key.value, timeout=options.timeout, gate=gate) as client:
        try:
            yield ApiSession(client, base_url, options.parallelism, timeout=options.timeout, gate=gate)
        except AuthenticationError as exc:  # the client cannot know where the key came from; we do
            exc.hint = f"check the management key from {key.source} / `orctl auth status`"
            raise


@contextmanager
def _embedded_emulator(state_path: Path) -> Iterator[EmbeddedEmulator]:
    """The embedded emulator; an unreadable or busy state file is one clear error."""
    from openrouter_iac.emulator import EmbeddedEmulator, EmulatorBusyError, StateFileError

    with ExitStack() as stack:
        try:
            emulator = stack.enter_context(EmbeddedEmulator(state_path))
        except StateFileError as exc:
            raise OrctlError(
                f"{exc}",
                hint=f"move it away (or run: orctl emulator init --force --state {state_path}) to start a new account",
            ) from None
        except EmulatorBusyError as exc:
            raise OrctlError(f"{exc}", hint="wait for it to finish, or pass another --emulator-state") from None
        try:
            yield emulator
        except StateFileError as exc:  # a record of the file the emulator cannot serve
            raise OrctlError(
                f"{exc}",
                hint=f"move it away (or run: orctl emulator init --force --state {state_path}) to start a new account",
            ) from None
