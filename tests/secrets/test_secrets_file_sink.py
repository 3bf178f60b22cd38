from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest
from secrets_support import KEY_HASH, PLAIN_SECRET, SECRET

from openrouter_iac.errors import SinkError
from openrouter_iac.model.sinks import FileSinkSpec
from openrouter_iac.secrets import FileSink, KeyRef, fsutil

REF = KeyRef("prod", "ci-bot")


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def sink(tmp_path: Path, template: str = "keys/{workspace}/{key}.key") -> FileSink:
    return FileSink("files", FileSinkSpec(type="file", path=template), base_dir=tmp_path)


def test_store_writes_secret_with_private_modes(tmp_path: Path) -> None:
    s = sink(tmp_path)
    s.check_usable([REF])
    s.store(REF, KEY_HASH, SECRET)

    path = tmp_path / "keys/prod/ci-bot.key"
    assert path.read_text() == SECRET + "\n"
    assert (tmp_path / "keys/prod/ci-bot.key.hash").read_text() == KEY_HASH + "\n"
    assert mode(path) == 0o600
    assert mode(tmp_path / "keys/prod/ci-bot.key.hash") == 0o600
    assert mode(tmp_path / "keys") == 0o700
    assert mode(tmp_path / "keys/prod") == 0o700
    s.verify(REF, KEY_HASH, SECRET)
    assert s.read_secret(REF) == SECRET
    assert s.recorded_hash(REF) == KEY_HASH
    assert s.readable


def test_modes_hold_under_a_strict_or_loose_umask(tmp_path: Path) -> None:
    for umask, sub in ((0o277, "strict"), (0o000, "loose")):
        old = os.umask(umask)
        try:
            sink(tmp_path / sub).store(REF, KEY_HASH, SECRET)
        finally:
            os.umask(old)
        assert mode(tmp_path / sub / "keys/prod/ci-bot.key") == 0o600
        assert mode(tmp_path / sub / "keys/prod") == 0o700


def test_existing_parent_directory_is_left_alone(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)
    sink(tmp_path, "shared/{key}").store(REF, KEY_HASH, SECRET)
    assert mode(shared) == 0o755
    assert mode(shared / "ci-bot") == 0o600


def test_rotation_replaces_file_and_tightens_mode(tmp_path: Path) -> None:
    path = tmp_path / "ci-bot"
    path.write_text("old-secret\n")
    os.chmod(path, 0o644)
    s = sink(tmp_path, "{key}")
    s.store(REF, KEY_HASH, SECRET)
    assert path.read_text() == SECRET + "\n"
    assert mode(path) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ci-bot", "ci-bot.hash"]


@pytest.mark.parametrize("existing", [None, "old-secret\n"])
def test_failed_write_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, existing: str | None
) -> None:
    path = tmp_path / "ci-bot"
    if existing is not None:
        path.write_text(existing)

    def write_half_then_fail(fd: int, data: bytes) -> None:
        os.write(fd, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fsutil, "_write_all", write_half_then_fail)
    with pytest.raises(SinkError) as caught:
        sink(tmp_path, "{key}").store(REF, KEY_HASH, PLAIN_SECRET)

    assert "No space left on device" in str(caught.value)
    assert PLAIN_SECRET not in str(caught.value)
    assert PLAIN_SECRET[:16] not in str(caught.value)
    if existing is None:
        assert not path.exists()
    else:
        assert path.read_text() == existing
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_failed_fsync_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_fsync(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken_fsync)  # fsutil calls os.fsync
    with pytest.raises(SinkError, match="Input/output error"):
        sink(tmp_path, "{key}").store(REF, KEY_HASH, SECRET)
    assert list(tmp_path.iterdir()) == []


def test_verify_detects_tampering(tmp_path: Path) -> None:
    s = sink(tmp_path, "{key}")
    s.store(REF, KEY_HASH, PLAIN_SECRET)
    (tmp_path / "ci-bot").write_text("something else\n")
    with pytest.raises(SinkError, match="does not hold the secret") as caught:
        s.verify(REF, KEY_HASH, PLAIN_SECRET)
    assert PLAIN_SECRET not in str(caught.value)

    s.store(REF, KEY_HASH, PLAIN_SECRET)
    with pytest.raises(SinkError, match="key hash"):
        s.verify(REF, "other-hash", PLAIN_SECRET)


def test_nothing_stored_reads_as_none(tmp_path: Path) -> None:
    s = sink(tmp_path)
    assert s.read_secret(REF) is None
    assert s.recorded_hash(REF) is None


def test_relative_and_home_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    sink(tmp_path / "cfg", "~/orctl/{key}").store(REF, KEY_HASH, SECRET)
    assert (home / "orctl/ci-bot").read_text() == SECRET + "\n"
    sink(tmp_path / "cfg", "out/{key}").store(REF, KEY_HASH, SECRET)
    assert (tmp_path / "cfg/out/ci-bot").exists()


def test_check_usable_refuses_a_file_where_a_directory_is_needed(tmp_path: Path) -> None:
    (tmp_path / "keys").write_text("not a directory")
    with pytest.raises(SinkError) as caught:
        sink(tmp_path).check_usable([REF])
    message = str(caught.value)
    assert "'files' (file)" in message and "prod/ci-bot" in message and "not a directory" in message


def test_check_usable_refuses_a_directory_at_the_target(tmp_path: Path) -> None:
    (tmp_path / "ci-bot").mkdir()
    with pytest.raises(SinkError, match="not a regular file"):
        sink(tmp_path, "{key}").check_usable([REF])


def test_check_usable_refuses_an_unwritable_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Simulated, because root (as in many containers) may write anywhere.
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(SinkError, match=f"no permission to create {tmp_path}/locked/sub inside {tmp_path}"):
        sink(tmp_path, "locked/sub/{key}").check_usable([REF])


def test_check_usable_refuses_two_keys_sharing_a_file(tmp_path: Path) -> None:
    other = KeyRef("prod", "web")
    with pytest.raises(SinkError) as caught:
        sink(tmp_path, "{workspace}.key").check_usable([REF, other])
    assert "'prod/ci-bot', 'prod/web'" in str(caught.value)
    sink(tmp_path, "{workspace}/{key}").check_usable([REF, other])


def test_unknown_placeholder_and_unsafe_names(tmp_path: Path) -> None:
    with pytest.raises(SinkError, match=r"unknown placeholder\(s\) \{Key\}"):
        sink(tmp_path, "{Key}").check_usable([REF])
    with pytest.raises(SinkError, match="cannot be used in a file path"):
        sink(tmp_path, "{key}").check_usable([KeyRef("prod", "..")])
    with pytest.raises(SinkError, match="cannot be used in a file path"):
        sink(tmp_path, "{workspace}/x").store(KeyRef("../etc", "k"), KEY_HASH, SECRET)


def test_refuses_empty_or_multiline_secret(tmp_path: Path) -> None:
    s = sink(tmp_path, "{key}")
    with pytest.raises(SinkError, match="empty"):
        s.store(REF, KEY_HASH, "")
    with pytest.raises(SinkError, match="line break") as caught:
        s.store(REF, KEY_HASH, PLAIN_SECRET + "\nmore")
    assert PLAIN_SECRET not in str(caught.value)
    assert list(tmp_path.iterdir()) == []
