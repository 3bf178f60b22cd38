"""`--target ADDRESS` checked as it is parsed: a mistyped kind would select nothing, and an empty
plan reads as "no changes" (exit 0 under `--detailed-exitcode`) to a CI job."""

from __future__ import annotations

import difflib

import click

from openrouter_iac.model.address import KIND_NAMES

_GLOB = frozenset("*?[")


def _problem(target: str) -> str | None:
    kind, colon, _ = target.partition(":")
    if _GLOB & set(kind):
        return None  # `*:healthcare/bot`, `api_*:...`: a pattern over kinds
    if not colon:
        if kind in KIND_NAMES:
            return None  # `organization_settings`
        if "/" in kind:
            return f"an address is KIND:WORKSPACE/NAME, e.g. 'api_key:{kind}'"
    if kind not in KIND_NAMES:
        close = difflib.get_close_matches(kind, KIND_NAMES, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else f" (kinds: {', '.join(KIND_NAMES)})"
        return f"unknown kind {kind!r}{hint}"
    return None


def check_targets(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    """The click callback of every `--target` option."""
    for target in value:
        problem = _problem(target)
        if problem is not None:
            raise click.BadParameter(f"{target!r}: {problem}", ctx=ctx, param=param)
    return value
