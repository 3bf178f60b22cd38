"""Rules about one key at a time: a cap with a reset, a declared behaviour (one per key), and the
risk flags of OpenRouter's security settings page (no expiry, limit >= $1,000, expiry beyond 365
days; idle keys are in live_rules.py, they need live data)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

from openrouter_iac.policy.caps import HIGH_KEY_LIMIT_USD, money
from openrouter_iac.policy.findings import Issue, LintContext
from openrouter_iac.policy.walk import KeyRef

MAX_EXPIRY_DAYS = 365
"""OpenRouter's security page flags keys that expire more than a year ahead."""


def key_uncapped(ctx: LintContext) -> Iterator[Issue]:
    for ref in ctx.keys:
        if ref.key.limit is None:
            yield Issue(
                ref.address,
                ref.path,
                f"{ref.address} has no limit: it can spend up to the workspace's whole budget, or without end",
                "set `limit` (USD) and `limit_reset` (daily, weekly or monthly) on the key",
            )


def key_no_reset(ctx: LintContext) -> Iterator[Issue]:
    for ref in ctx.keys:
        if ref.key.limit is not None and ref.key.limit_reset is None:
            yield Issue(
                ref.address,
                (*ref.path, "limit"),
                f"{ref.address} has a limit of {money(ref.key.limit)} that never resets (a lifetime cap): "
                "once spent, the behavior stops until someone raises it",
                "set `limit_reset: daily`, `weekly` or `monthly`",
            )


def key_no_behavior(ctx: LintContext) -> Iterator[Issue]:
    for ref in ctx.keys:
        if not (ref.key.behavior or "").strip():
            yield Issue(
                ref.address,
                ref.path,
                f"{ref.address} declares no `behavior`",
                "add `behavior:` naming the one autonomous behavior the key serves, "
                "so each behavior has its own cap and can be revoked alone",
            )


def _normal(behavior: str) -> str:
    return re.sub(r"\s+", " ", behavior).strip().rstrip(".").casefold()


def behavior_shared(ctx: LintContext) -> Iterator[Issue]:
    first: dict[str, KeyRef] = {}
    for ref in ctx.keys:
        behavior = _normal(ref.key.behavior or "")
        if not behavior:
            continue
        if behavior not in first:
            first[behavior] = ref
            continue
        owner = first[behavior]
        yield Issue(
            ref.address,
            (*ref.path, "behavior"),
            f"{ref.address} serves the same behavior as {owner.address}{ctx.at((*owner.path, 'behavior'))}: "
            f"{(ref.key.behavior or '').strip()!r}",
            "one behavior, one key: give each key its own behavior (and cap), or merge the two keys",
            (owner.address,),
        )


def key_no_expiry(ctx: LintContext) -> Iterator[Issue]:
    for ref in ctx.keys:
        if ref.key.expires_at is None:
            yield Issue(
                ref.address,
                ref.path,
                f"{ref.address} never expires (OpenRouter's security settings flag keys with no expiry)",
                f"set `expires_at` (UTC, within {MAX_EXPIRY_DAYS} days); changing it later rotates the key",
            )


def key_limit_high(ctx: LintContext) -> Iterator[Issue]:
    for ref in ctx.keys:
        if ref.key.limit is not None and ref.key.limit >= HIGH_KEY_LIMIT_USD:
            yield Issue(
                ref.address,
                (*ref.path, "limit"),
                f"{ref.address} has a limit of {money(ref.key.limit)}, at or above {money(HIGH_KEY_LIMIT_USD)} "
                "(flagged by OpenRouter's security settings)",
                "lower the limit, or split the key by behavior",
            )


def key_expiry_far(ctx: LintContext) -> Iterator[Issue]:
    horizon = ctx.now + timedelta(days=MAX_EXPIRY_DAYS)
    for ref in ctx.keys:
        expires = ref.key.expires_at
        if expires is not None and expires > horizon:
            days = (expires - ctx.now).days
            yield Issue(
                ref.address,
                (*ref.path, "expires_at"),
                f"{ref.address} expires {expires.date().isoformat()}, {days} days from now, beyond "
                f"{MAX_EXPIRY_DAYS} days (flagged by OpenRouter's security settings)",
                f"set `expires_at` within {MAX_EXPIRY_DAYS} days",
            )


def key_max_lifetime(ctx: LintContext) -> Iterator[Issue]:
    organization = ctx.config.organization
    days = organization.max_key_lifetime_days() if organization else None
    if days is None:
        return
    limit_path = ("organization", "max_key_lifetime")
    horizon = ctx.now + timedelta(days=days)
    for ref in ctx.keys:
        expires = ref.key.expires_at
        if expires is None:
            yield Issue(
                ref.address,
                ref.path,
                f"{ref.address} never expires, but the organization's maximum key lifetime is "
                f"{days} days{ctx.at(limit_path)}: OpenRouter rejects its requests",
                f"set `expires_at` within {days} days",
                ("organization_settings",),
            )
        elif expires > horizon:
            yield Issue(
                ref.address,
                (*ref.path, "expires_at"),
                f"{ref.address} expires {expires.date().isoformat()}, {(expires - ctx.now).days} days from now, "
                f"beyond the organization's maximum key lifetime of {days} days{ctx.at(limit_path)}: "
                "OpenRouter rejects its requests",
                f"set `expires_at` within {days} days",
                ("organization_settings",),
            )
