"""The command line orctl suggests next (`apply it with: ...`, `Next: ...`), ready to paste.

A suggestion must reach the same config and the same account as the command that printed it:
without `-c` an apply of a saved plan reads the default config and is refused, and without
`--emulator` it goes to the real API.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from openrouter_iac.cli.session import DEFAULT_EMULATOR_STATE, ApiOptions


def account_flags(api: ApiOptions) -> list[str]:
    """The flags that name the account ``api`` was given (the environment is the same next time)."""
    if api.emulator:
        same_state = Path(api.emulator_state) == DEFAULT_EMULATOR_STATE
        return ["--emulator"] if same_state else ["--emulator", "--emulator-state", str(api.emulator_state)]
    flags = ["--base-url", api.base_url] if api.base_url else []
    if api.management_key_file and api.management_key_file != "-":  # stdin cannot be read twice
        flags += ["--management-key-file", api.management_key_file]
    return flags


def suggest(*words: str | Path) -> str:
    """``words`` as one shell command line, each quoted where the shell needs it."""
    return " ".join(shlex.quote(str(word)) for word in words)
