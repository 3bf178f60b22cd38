"""Retiring keys and key expiry as plan output lines (text, markdown, JSON). Expiry warnings are
also among the plan's warnings; these lines add when each old key of a rotation goes."""

from __future__ import annotations

from typing import Any

from openrouter_iac.plan.lifecycle import KeyExpiry, RetiringNote
from openrouter_iac.plan.model import Plan
from openrouter_iac.render import markdown_syntax as md

RETIRING_TITLE = "Retiring keys (old keys of rotations, still enabled)"


def retiring_sentence(note: RetiringNote) -> str:
    old = f"old key {note.key_hash[:12]} of {note.address}"
    if note.due:
        return f"{old}: deleted by this plan (its overlap ended; retiring until {note.until})"
    return f"{old}: enabled until {note.until}, then an apply deletes it (orctl apply --retire-now ends it early)"


def retiring_text_lines(plan: Plan) -> list[str]:
    if not plan.retiring:
        return []
    return [f"{RETIRING_TITLE}:", *(f"  {retiring_sentence(n)}" for n in plan.retiring), ""]


def retiring_markdown(plan: Plan) -> str:
    if not plan.retiring:
        return ""
    lines = [f"- {md.escape(retiring_sentence(n))}" for n in plan.retiring]
    return md.alert("NOTE", [f"{RETIRING_TITLE}:", *lines])


def retiring_json(notes: list[RetiringNote]) -> list[dict[str, Any]]:
    return [{"address": n.address, "key_hash": n.key_hash, "until": n.until, "due": n.due} for n in notes]


def expiry_json(items: list[KeyExpiry]) -> list[dict[str, Any]]:
    return [{"address": i.address, "expires_at": i.expires_at, "expired": i.expired, "fix": i.fix} for i in items]
