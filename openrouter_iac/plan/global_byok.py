"""Global BYOK credentials (`workspace_id: null`) in a plan: account level, once, never managed.

The config language declares credentials per workspace, so orctl never changes or prunes a
global one; a plan (and so `show` and `drift`) lists each once as unmanaged, at account level,
instead of once per workspace whose list shows it."""

from __future__ import annotations

from openrouter_iac.model.address import Address
from openrouter_iac.model.snapshot import LiveSnapshot
from openrouter_iac.plan.model import Unmanaged

REASON = (
    "global credential ({provider}, workspace_id null): usable in every workspace; orctl never changes or prunes it"
)


def global_credentials(live: LiveSnapshot) -> list[Unmanaged]:
    return [
        Unmanaged(
            kind="byok_key",
            address=Address.parse(credential.address),
            reason=REASON.format(provider=credential.spec.provider),
        )
        for credential in live.global_byok
    ]
