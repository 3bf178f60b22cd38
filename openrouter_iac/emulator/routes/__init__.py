"""One module per resource; ``build_router`` wires them all."""

from __future__ import annotations

from openrouter_iac.emulator.router import Router
from openrouter_iac.emulator.routes import (
    byok,
    catalogue,
    guardrails,
    keys,
    observability,
    organization,
    presets,
    workspaces,
)


def build_router() -> Router:
    router = Router()
    for module in (keys, guardrails, workspaces, byok, presets, observability, organization, catalogue):
        module.register(router)
    return router
