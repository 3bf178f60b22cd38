"""The `file` sink: one file per key holding the secret, with the key hash in `<path>.hash`."""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from pathlib import Path

from openrouter_iac.model.sinks import FileSinkSpec
from openrouter_iac.secrets import fsutil
from openrouter_iac.secrets.base import BaseSink, KeyRef, os_reason


class FileSink(BaseSink):
    """Writes `<secret>\\n` atomically to a 0600 file (parents created 0700) per key."""

    kind = "file"
    readable = True

    def __init__(self, name: str, spec: FileSinkSpec, *, base_dir: Path) -> None:
        super().__init__(name)
        self.spec = spec
        self.base_dir = base_dir

    def path_for(self, ref: KeyRef) -> Path:
        return self.resolve_path(self.spec.path, ref, self.base_dir)

    def hash_path_for(self, ref: KeyRef) -> Path:
        path = self.path_for(ref)
        return path.with_name(path.name + ".hash")

    def check_usable(self, refs: Sequence[KeyRef]) -> None:
        owners: dict[Path, KeyRef] = {}
        probed: set[Path] = set()
        for ref in refs:
            path = self.path_for(ref)
            owner = owners.setdefault(path, ref)
            if owner != ref:
                raise self.error(
                    [owner, ref],
                    f"both keys would be written to the same file {path}",
                    hint="put {key} (and {workspace} if keys span workspaces) in the sink's path",
                )
            for target in (path, self.hash_path_for(ref)):
                problem = fsutil.target_problem(target)
                if problem:
                    raise self.error(ref, problem, hint="fix the permissions or change the sink's path")
            if path.parent not in probed:  # a real write, once per directory: no key is made for a sink that fails
                probed.add(path.parent)
                problem = fsutil.probe_problem(path.parent)
                if problem:
                    raise self.error(ref, problem, hint="fix the permissions or change the sink's path")

    def store(self, ref: KeyRef, key_hash: str, secret: str, *, expires_at: str | None = None) -> None:
        self.require_secret(ref, secret)
        path, hash_path = self.path_for(ref), self.hash_path_for(ref)
        try:
            with fsutil.locked(path):  # the secret and its hash are written as one step
                # Drop the old hash first: a stale hash must never appear to describe the new secret.
                fsutil.remove(hash_path)
                fsutil.atomic_write(path, f"{secret}\n".encode())
                fsutil.write_hash(hash_path, key_hash)
        except OSError as exc:
            raise self.error(ref, f"could not write the secret: {os_reason(exc)}", secret=secret) from None

    def verify(self, ref: KeyRef, key_hash: str, secret: str) -> None:
        path = self.path_for(ref)
        stored = self.read_secret(ref)
        if stored is None or not hmac.compare_digest(stored.encode(), secret.encode()):
            raise self.error(ref, f"{path} does not hold the secret that was just written", secret=secret)
        if self.recorded_hash(ref) != key_hash:
            raise self.error(ref, f"{path}.hash does not hold the key hash {key_hash}", secret=secret)

    def recorded_hash(self, ref: KeyRef) -> str | None:
        try:
            return fsutil.read_hash(self.hash_path_for(ref))
        except OSError as exc:
            raise self.error(ref, f"could not read the recorded hash: {os_reason(exc)}") from None

    def read_secret(self, ref: KeyRef) -> str | None:
        try:
            text = fsutil.read_text(self.path_for(ref))
        except (OSError, UnicodeDecodeError) as exc:
            reason = os_reason(exc) if isinstance(exc, OSError) else "the file is not UTF-8 text"
            raise self.error(ref, f"could not read the secret: {reason}") from None
        if text is None:
            return None
        return text.removesuffix("\n") or None

    def remove(self, ref: KeyRef) -> bool:
        try:
            with fsutil.locked(self.path_for(ref)):
                # The hash first: a secret without its hash is never mistaken for a live key's.
                fsutil.remove(self.hash_path_for(ref))
                fsutil.remove(self.path_for(ref))
        except OSError as exc:
            raise self.error(ref, f"could not remove the secret: {os_reason(exc)}") from None
        return True

    def location(self, ref: KeyRef) -> str:
        return str(self.path_for(ref))
