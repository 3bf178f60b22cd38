"""Key-to-guardrail assignments (a key's `guardrail:`). Read account-wide, once."""

from __future__ import annotations

from openrouter_iac.kinds.base import ResourceKind
from openrouter_iac.model.payloads import AssignmentWrite

KIND = ResourceKind(
    name="guardrail_assignment",
    spec=AssignmentWrite,
    layer=3,
    phase="assignment",
    delete_phase="delete_assignment",
    singular="guardrail assignment",
    plural="guardrail assignments",
    writes="/guardrails/{guardrail_id}/assignments/keys",  # POST, and POST /remove (live/writer*.py)
)
