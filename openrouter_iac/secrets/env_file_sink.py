"""The `env-file` sink: `NAME=secret` and `NAME_HASH=hash` lines in a private dotenv file."""

from __future__ import annotations

import hmac
import os
from collections.abc import Sequence
from pathlib import Path

from openrouter_iac.model.sinks import EnvFileSinkSpec
from openrouter_iac.secrets import dotenv, fsutil
from openrouter_iac.secrets.base import PLACEHOLDERS, BaseSink, KeyRef, expand, os_reason

HASH_SUFFIX = "_HASH"


class EnvFileSink(BaseSink):
    """Rewrites the dotenv file atomically (mode 0600, parents 0700), replacing the key's lines in
    place and appending them when new. `{workspace}`/`{key}` placeholders work in the path too."""

    kind = "env-file"
    readable = True

    def __init__(self, name: str, spec: EnvFileSinkSpec, *, base_dir: Path) -> None:
        super().__init__(name)
        self.spec = spec
        self.base_dir = base_dir

    def path_for(self, ref: KeyRef) -> Path:
        return self.resolve_path(self.spec.path, ref, self.base_dir)

    def variable_for(self, ref: KeyRef) -> str:
        variable = expand(self.spec.variable, ref)
        if not dotenv.VARIABLE.fullmatch(variable):
            raise self.error(
                ref,
                f"the variable name {variable!r} (from {self.spec.variable!r}) is not a valid "
                "environment variable name",
                hint=f"use upper-case letters, digits and _ only, with {PLACEHOLDERS} as placeholders",
            )
        return variable

    def check_usable(self, refs: Sequence[KeyRef]) -> None:
        owners: dict[tuple[Path, str], KeyRef] = {}
        for ref in refs:
            path, variable = self.path_for(ref), self.variable_for(ref)
            for name in (variable, variable + HASH_SUFFIX):
                owner = owners.setdefault((path, name), ref)
                if owner != ref:
                    raise self.error(
                        [owner, ref],
                        f"both keys would set the variable {name} in {path}",
                        hint="make the sink's `variable` template include {KEY} (and {WORKSPACE})",
                    )
            problem = fsutil.target_problem(path)
            if problem is None and path.exists() and not os.access(path, os.R_OK):
                problem = f"no permission to read {path}"
            if problem:
                raise self.error(ref, problem, hint="fix the permissions or change the sink's path")

    def store(self, ref: KeyRef, key_hash: str, secret: str, *, expires_at: str | None = None) -> None:
        self.require_secret(ref, secret)
        path, variable = self.path_for(ref), self.variable_for(ref)
        try:
            with fsutil.locked(path):  # other keys may be written to this file at the same time
                existing = fsutil.read_text(path) or ""
                # Secret and hash go in one atomic rewrite, so they can never disagree on disk.
                updated = dotenv.upsert(existing, {variable: secret, variable + HASH_SUFFIX: key_hash})
                fsutil.atomic_write(path, updated.encode())
        except ValueError as exc:  # includes UnicodeDecodeError of an unreadable existing file
            raise self.error(ref, f"could not update {path}: {exc}", secret=secret) from None
        except OSError as exc:
            raise self.error(ref, f"could not write the secret: {os_reason(exc)}", secret=secret) from None

    def _lookup(self, ref: KeyRef, variable: str) -> str | None:
        path = self.path_for(ref)
        try:
            text = fsutil.read_text(path)
        except (OSError, UnicodeDecodeError) as exc:
            reason = os_reason(exc) if isinstance(exc, OSError) else "the file is not UTF-8 text"
            raise self.error(ref, f"could not read {path}: {reason}") from None
        if text is None:
            return None
        return dotenv.parse(text).get(variable) or None

    def read_secret(self, ref: KeyRef) -> str | None:
        return self._lookup(ref, self.variable_for(ref))

    def recorded_hash(self, ref: KeyRef) -> str | None:
        return self._lookup(ref, self.variable_for(ref) + HASH_SUFFIX)

    def verify(self, ref: KeyRef, key_hash: str, secret: str) -> None:
        path, variable = self.path_for(ref), self.variable_for(ref)
        stored = self.read_secret(ref)
        if stored is None or not hmac.compare_digest(stored.encode(), secret.encode()):
            raise self.error(ref, f"{path} does not set {variable} to the secret just written", secret=secret)
        if self.recorded_hash(ref) != key_hash:
            raise self.error(ref, f"{path} does not set {variable}{HASH_SUFFIX} to {key_hash}", secret=secret)

    def remove(self, ref: KeyRef) -> bool:
        path, variable = self.path_for(ref), self.variable_for(ref)
        try:
            with fsutil.locked(path):
                existing = fsutil.read_text(path)
                if existing is None:
                    return True
                updated = dotenv.remove(existing, {variable, variable + HASH_SUFFIX})
                if updated != existing:
                    fsutil.atomic_write(path, updated.encode())
        except (OSError, UnicodeDecodeError) as exc:
            reason = os_reason(exc) if isinstance(exc, OSError) else "the file is not UTF-8 text"
            raise self.error(ref, f"could not remove {variable} from {path}: {reason}") from None
        return True

    def location(self, ref: KeyRef) -> str:
        return f"{self.variable_for(ref)} in {self.path_for(ref)}"
