"""Output files checked before the first write: a report that cannot be written is found up front.

Finding it after the run would leave the account changed and the summary unwritten.
"""

from __future__ import annotations

import os
from pathlib import Path

from openrouter_iac.errors import OrctlError


def check_output_path(path: Path, option: str) -> None:
    """Raise a one-line OrctlError unless ``path`` can be created or overwritten as a file."""
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise OrctlError(f"{option} {path}: is a directory; give a file path")
    if not parent.exists():
        raise OrctlError(f"{option} {path}: the directory {parent} does not exist; create it first")
    if not parent.is_dir():
        raise OrctlError(f"{option} {path}: {parent} is not a directory")
    if path.exists() and not os.access(path, os.W_OK):
        raise OrctlError(f"{option} {path}: the file is not writable")
    if not path.exists() and not os.access(parent, os.W_OK | os.X_OK):
        raise OrctlError(f"{option} {path}: the directory {parent} is not writable")
