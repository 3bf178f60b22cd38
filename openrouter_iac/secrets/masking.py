"""Log masking for GitHub Actions: the one place a secret may reach standard output."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import TextIO


def _escape(value: str) -> str:
    # Workflow-command data is %-escaped; the runner unescapes it before registering the mask.
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def mask_for_ci(secret: str, *, env: Mapping[str, str] | None = None, stream: TextIO | None = None) -> None:
    """Under GitHub Actions (`GITHUB_ACTIONS=true`), tell the runner to mask ``secret`` in the log.

    Call it as soon as the secret exists and before anything else is printed: the mask only hides
    later output. ``env`` defaults to ``os.environ`` and ``stream`` to ``sys.stdout`` (read at call
    time). Elsewhere this does nothing.
    """
    env = os.environ if env is None else env
    if env.get("GITHUB_ACTIONS") != "true" or not secret.strip():
        return
    out = sys.stdout if stream is None else stream
    # The runner masks line by line, so each line of a multi-line value is registered on its own.
    for line in dict.fromkeys([secret, *secret.splitlines()]):
        if line.strip():
            out.write(f"::add-mask::{_escape(line)}\n")
    out.flush()
