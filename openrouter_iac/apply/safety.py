"""Refuse a plan that needs an override flag the user did not give, and say which one and why."""

from __future__ import annotations

from openrouter_iac.errors import SafetyError
from openrouter_iac.plan.model import Plan


def safety_problems(plan: Plan, *, allow_destroy: bool, allow_rotate: bool) -> list[str]:
    """Every reason this plan may not run with the given flags (empty when it may)."""
    facts = plan.safety
    problems: list[str] = []
    if facts.empty_config_against_populated_scope:
        # No flag overrides this one: an empty config is far more often a mistake than a wish.
        problems.append(
            "the config declares nothing while the account holds managed objects; orctl never applies an "
            "empty config against a populated scope (delete the objects explicitly instead)"
        )
    if facts.lost_pins:
        problems.append(
            f"objects pinned by `id:` no longer exist live ({', '.join(facts.lost_pins)}); remove their `id:` "
            "lines to create new ones (the new ones get new ids)"
        )
    if facts.delete_fraction_exceeded and not allow_destroy:
        problems.append(
            f"the plan deletes {facts.deletes} of {facts.managed_objects} managed objects, more than "
            f"safety.max_delete_fraction ({facts.max_delete_fraction:.0%}); pass --allow-destroy if that is intended"
        )
    if facts.emptied_scopes and not allow_destroy:
        problems.append(f"the plan empties {'; '.join(facts.emptied_scopes)}; pass --allow-destroy if that is intended")
    if facts.protected_hits and not allow_destroy:
        problems.append(
            f"the plan deletes or replaces protected objects ({', '.join(facts.protected_hits)}); "
            "pass --allow-destroy if that is intended"
        )
    if facts.rotations and not allow_rotate:
        problems.append(
            f"the plan rotates key secrets ({', '.join(facts.rotations)}): whoever uses the old secrets will "
            "break; pass --allow-rotate if that is intended"
        )
    return problems


def check_safety(plan: Plan, *, allow_destroy: bool, allow_rotate: bool) -> None:
    problems = safety_problems(plan, allow_destroy=allow_destroy, allow_rotate=allow_rotate)
    if problems:
        raise SafetyError("the plan was refused:\n" + "\n".join(f"  - {p}" for p in problems))
