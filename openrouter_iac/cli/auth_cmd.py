"""`orctl auth`: store, inspect and remove the management key kept in the OS keyring."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from openrouter_iac.client import (
    KEY_ENV,
    ManagementKey,
    OpenRouterClient,
    check_management_key,
    current_backend,
    delete_from_keyring,
    prompt_for_key,
    read_key_file,
    resolve_base_url,
    resolve_management_key,
    store_in_keyring,
)
from openrouter_iac.client.credentials import KEYRING_SOURCE, can_prompt, writable_backend
from openrouter_iac.errors import OrctlError

_KEY_FILE_HELP = "Read the management key from PATH, or from standard input with '-'."
_BASE_URL_HELP = "API base URL (default: $OPENROUTER_BASE_URL, else https://openrouter.ai/api/v1)."


@contextmanager
def _as_click_errors() -> Iterator[None]:
    """Show orctl's errors as ``Error: …`` on stderr with their exit code, no traceback."""
    try:
        yield
    except OrctlError as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(exc.exit_code) from None


def _interactive() -> bool:
    return can_prompt(sys.stdin, os.environ)


def _hidden_prompt(text: str) -> str:
    value: str = click.prompt(text.rstrip(": "), hide_input=True, err=True)
    return value


def _verify(key: ManagementKey, base_url: str | None) -> str:
    url = resolve_base_url(base_url)
    with OpenRouterClient(url, key.value) as client:
        check_management_key(client)
    return url


@click.group(
    "auth",
    epilog="\b\nExamples:\n  orctl auth login\n  orctl auth status --check\n  orctl auth logout",
)
def auth() -> None:
    """Store, inspect and remove the management key orctl uses.

    \b
    orctl takes the first management key it finds in:
      1. --management-key-file PATH (or '-' for standard input)
      2. the OPENROUTER_MANAGEMENT_KEY environment variable
      3. the OS keyring, service "orctl", user "management-key" (skipped when CI is set)
    The key is never printed and never accepted as a command-line value.
    """


@auth.command("login")
@click.option("--management-key-file", "key_file", metavar="PATH", help=_KEY_FILE_HELP)
@click.option(
    "--allow-insecure-keyring",
    is_flag=True,
    help="Store the key even if the keyring backend is plaintext, null or unavailable.",
)
@click.option("--verify", is_flag=True, help="First check with GET /key that it is a management key.")
@click.option("--base-url", metavar="URL", help=_BASE_URL_HELP + " Used with --verify.")
def login(key_file: str | None, allow_insecure_keyring: bool, verify: bool, base_url: str | None) -> None:
    """Store a management key in the OS keyring.

    The key is read from --management-key-file (PATH, or '-' for standard input) or, on a
    terminal, from a hidden prompt. Create a management key at
    https://openrouter.ai/settings/management-keys.

    \b
    Examples:
      orctl auth login
      pass show openrouter/management | orctl auth login --management-key-file - --verify
    """
    with _as_click_errors():
        # Checked before asking for the key, so nobody types it in for nothing.
        _, secure = writable_backend(allow_insecure=allow_insecure_keyring)
        if key_file:
            key = read_key_file(key_file, stdin=sys.stdin)
        elif _interactive():
            key = prompt_for_key(_hidden_prompt)
        else:
            raise click.UsageError(
                "no terminal to prompt on: pass --management-key-file PATH, or '-' to read standard input"
            )
        if verify:
            url = _verify(key, base_url)
            click.echo(f"Verified: {url} accepts it as a management key.")
        backend = store_in_keyring(key, allow_insecure=allow_insecure_keyring)
        click.echo(f"Stored the management key in {KEYRING_SOURCE} (backend {backend}).")
        if not secure:
            click.echo("Warning: that keyring backend is not secure storage.", err=True)
        if os.environ.get(KEY_ENV):
            click.echo(f"Note: {KEY_ENV} is set in this environment and takes precedence.", err=True)


@auth.command("status")
@click.option("--management-key-file", "key_file", metavar="PATH", help=_KEY_FILE_HELP)
@click.option("--check", is_flag=True, help="Call GET /key to confirm the API accepts it as a management key.")
@click.option("--base-url", metavar="URL", help=_BASE_URL_HELP + " Used with --check.")
def status(key_file: str | None, check: bool, base_url: str | None) -> None:
    """Show which management key source is in use (never the key itself).

    Exits 1 when no key is found or, with --check, when the API rejects it.

    \b
    Examples:
      orctl auth status
      OPENROUTER_MANAGEMENT_KEY=... orctl auth status --check
    """
    with _as_click_errors():
        backend, secure = current_backend()
        click.echo(f"keyring backend: {backend} ({'secure' if secure else 'not secure'})")
        key = resolve_management_key(key_file, stdin=sys.stdin, env=os.environ, allow_prompt=False)
        click.echo(f"management key: from {key.source}")
        if check:
            url = _verify(key, base_url)
            click.echo(f"check: {url} accepts it as a management key")


@auth.command("logout")
def logout() -> None:
    """Remove the management key from the OS keyring (stored by `orctl auth login`).

    \b
    Examples:
      orctl auth logout
    """
    with _as_click_errors():
        if delete_from_keyring():
            click.echo(f"Removed the management key from {KEYRING_SOURCE}.")
        else:
            click.echo(f"No management key was stored in {KEYRING_SOURCE}.")
        if os.environ.get(KEY_ENV):
            click.echo(f"Note: {KEY_ENV} is still set in this environment.", err=True)
