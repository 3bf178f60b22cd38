"""Private, atomic file writes for sinks that keep secrets on disk."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700

# O_NOFOLLOW and O_CLOEXEC are POSIX; fall back to 0 so the module still imports elsewhere.
_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


_path_locks: dict[Path, threading.Lock] = {}
_registry = threading.Lock()


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the lock of ``path`` (one per file in this process, whichever sink opened it) around a
    read-modify-write: two keys written at once to one file must never lose each other's lines.
    Other processes are kept out by the apply lease, not here."""
    key = Path(os.path.abspath(path))
    with _registry:
        lock = _path_locks.setdefault(key, threading.Lock())
    with lock:
        yield


def ensure_private_dir(path: Path) -> None:
    """Create ``path`` and any missing parents with mode 0700. Existing directories are untouched."""
    missing: list[Path] = []
    current = path
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    for directory in reversed(missing):
        try:
            os.mkdir(directory, DIR_MODE)
        except FileExistsError:
            continue  # created concurrently; not ours to change
        # The umask may have stripped bits; the owner needs exactly rwx and nobody else anything.
        os.chmod(directory, DIR_MODE)
    if not path.is_dir():
        raise NotADirectoryError(f"{path} exists and is not a directory")


def nearest_existing_dir(path: Path) -> Path:
    """The closest ancestor of ``path`` (or ``path`` itself) that exists."""
    current = path
    while not current.exists() and current != current.parent:
        current = current.parent
    return current


def dir_problem(directory: Path) -> str | None:
    """Why files could not be created in ``directory`` (creating it if needed), or None."""
    existing = nearest_existing_dir(directory)
    if not existing.is_dir():
        return f"{existing} is not a directory"
    if not os.access(existing, os.W_OK | os.X_OK):
        verb = "write to" if existing == directory else f"create {directory} inside"
        return f"no permission to {verb} {existing}"
    return None


def probe_problem(directory: Path) -> str | None:
    """Why a file cannot really be created where ``directory`` would be (found by creating and
    removing one), or None. Permission bits can pass where writes fail: root, /proc, read-only mounts."""
    existing = nearest_existing_dir(directory)
    try:
        fd, name = tempfile.mkstemp(prefix=".orctl-probe.", dir=existing)
    except OSError as exc:
        return f"cannot create a file in {existing} ({exc.strerror or type(exc).__name__})"
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(name)
    return None


def target_problem(path: Path) -> str | None:
    """Why ``path`` could not be replaced by a new file, or None."""
    if path.is_symlink() or (path.exists() and not path.is_file()):
        return f"{path} exists and is not a regular file"
    return dir_problem(path.parent)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so readers see the old file or the whole new one.

    The temporary file is created 0600 by ``os.open`` before any byte is written, so the secret is
    never readable by others, not even for a moment; it is fsynced and then renamed over ``path``.
    """
    ensure_private_dir(path.parent)
    temp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(temp, _CREATE_FLAGS, FILE_MODE)
    try:
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, FILE_MODE)  # the umask may have removed the owner's write bit
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    # Makes the rename durable; not every platform can open a directory, which is fine.
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def read_text(path: Path) -> str | None:
    """The file's text, or None if it does not exist."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def remove(path: Path) -> None:
    """Delete ``path`` if it exists."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def write_hash(path: Path, key_hash: str) -> None:
    """Record a key hash (not secret, but kept private alongside the secret it describes)."""
    atomic_write(path, f"{key_hash}\n".encode())


def read_hash(path: Path) -> str | None:
    """The hash recorded at ``path``, or None if there is none."""
    text = read_text(path)
    if text is None:
        return None
    return text.strip() or None
