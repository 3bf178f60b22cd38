"""No error message, hint or printed traceback may ever contain the secret being handled."""

from __future__ import annotations

import errno
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

import keyring
import pytest
from secrets_support import KEY_HASH, PLAIN_SECRET, BrokenKeyring, MemoryKeyring

from openrouter_iac.errors import OrctlError, SinkError
from openrouter_iac.model.sinks import CommandSinkSpec, EnvFileSinkSpec, FileSinkSpec, KeyringSinkSpec
from openrouter_iac.secrets import (
    CommandSink,
    EnvFileSink,
    FileSink,
    KeyRef,
    KeyringSink,
    fsutil,
    parse_secret_ref,
    resolve_secret_ref,
)

REF = KeyRef("prod", "ci-bot")
Scenario = Callable[[Path, pytest.MonkeyPatch], None]


def file_write_fails(tmp: Path, mp: pytest.MonkeyPatch) -> None:
    def fail(fd: int, data: bytes) -> None:
        raise OSError(errno.EIO, f"device error writing {data!r}")

    mp.setattr(fsutil, "_write_all", fail)
    FileSink("s", FileSinkSpec(type="file", path="{key}"), base_dir=tmp).store(REF, KEY_HASH, PLAIN_SECRET)


def file_verify_mismatch(tmp: Path, mp: pytest.MonkeyPatch) -> None:
    FileSink("s", FileSinkSpec(type="file", path="{key}"), base_dir=tmp).verify(REF, KEY_HASH, PLAIN_SECRET)


def command(script: str, **kw: object) -> Scenario:
    def run(tmp: Path, mp: pytest.MonkeyPatch) -> None:
        spec = CommandSinkSpec(type="command", run=[sys.executable, "-c", script])
        CommandSink("s", spec, base_dir=tmp, **kw).store(REF, KEY_HASH, PLAIN_SECRET)  # type: ignore[arg-type]

    return run


def command_not_executable_format(tmp: Path, mp: pytest.MonkeyPatch) -> None:
    program = tmp / "not-a-program"
    program.write_text("\x00\x01 not a script\n")
    program.chmod(0o755)
    spec = CommandSinkSpec(type="command", run=[str(program)])
    CommandSink("s", spec, base_dir=tmp).store(REF, KEY_HASH, PLAIN_SECRET)


def keyring_store_fails(tmp: Path, mp: pytest.MonkeyPatch) -> None:
    keyring.set_keyring(BrokenKeyring())
    KeyringSink("s", KeyringSinkSpec(type="keyring")).store(REF, KEY_HASH, PLAIN_SECRET)


def keyring_verify_mismatch(tmp: Path, mp: pytest.MonkeyPatch) -> None:
    keyring.set_keyring(MemoryKeyring())
    KeyringSink("s", KeyringSinkSpec(type="keyring")).verify(REF, KEY_HASH, PLAIN_SECRET)


def env_file_unwritable_value(tmp: Path, mp: pytest.MonkeyPatch) -> None:
    sink = EnvFileSink("s", EnvFileSinkSpec(type="env-file", path=".env"), base_dir=tmp)
    sink.store(REF, KEY_HASH, PLAIN_SECRET + " it's")


def env_file_verify_mismatch(tmp: Path, mp: pytest.MonkeyPatch) -> None:
    sink = EnvFileSink("s", EnvFileSinkSpec(type="env-file", path=".env"), base_dir=tmp)
    sink.verify(REF, KEY_HASH, PLAIN_SECRET)


def multiline_secret(tmp: Path, mp: pytest.MonkeyPatch) -> None:
    FileSink("s", FileSinkSpec(type="file", path="{key}"), base_dir=tmp).store(REF, KEY_HASH, PLAIN_SECRET + "\n")


SINK_SCENARIOS: dict[str, Scenario] = {
    "file write fails": file_write_fails,
    "file verify mismatch": file_verify_mismatch,
    "command echoes on stderr": command("import sys; s = sys.stdin.read(); sys.stderr.write('bad ' + s); sys.exit(1)"),
    "command echoes on stdout": command("import sys; print(sys.stdin.read()); sys.exit(2)"),
    "command times out": command("import sys, time; print(sys.stdin.read(), flush=True); time.sleep(30)", timeout=0.3),
    "command cannot be executed": command_not_executable_format,
    "keyring store fails": keyring_store_fails,
    "keyring verify mismatch": keyring_verify_mismatch,
    "env-file unwritable value": env_file_unwritable_value,
    "env-file verify mismatch": env_file_verify_mismatch,
    "secret with a line break": multiline_secret,
}


def assert_clean(error: OrctlError) -> None:
    shown = [
        str(error),
        repr(error),
        error.message,
        error.hint or "",
        *map(str, error.args),
        "".join(traceback.format_exception(error)),
    ]
    for text in shown:
        assert PLAIN_SECRET not in text
        assert PLAIN_SECRET[:12] not in text and PLAIN_SECRET[-12:] not in text


@pytest.mark.parametrize("scenario", SINK_SCENARIOS.values(), ids=SINK_SCENARIOS.keys())
def test_sink_errors_never_contain_the_secret(
    scenario: Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(SinkError) as caught:
        scenario(tmp_path, monkeypatch)
    assert_clean(caught.value)
    assert "secret sink 's' (" in caught.value.message
    assert "prod/ci-bot" in caught.value.message


def test_ref_errors_never_contain_the_secret(tmp_path: Path) -> None:
    (tmp_path / "two-lines").write_text(f"{PLAIN_SECRET}\n{PLAIN_SECRET}\n")
    errors: list[OrctlError] = []
    for attempt in (
        lambda: resolve_secret_ref("file:two-lines", base_dir=tmp_path),
        lambda: parse_secret_ref(PLAIN_SECRET),
        lambda: parse_secret_ref(f"vault:{PLAIN_SECRET}"),
        lambda: parse_secret_ref(f"env:{PLAIN_SECRET}+x"),
        lambda: parse_secret_ref(f"keyring: {PLAIN_SECRET}"),
    ):
        with pytest.raises(OrctlError) as caught:
            attempt()
        errors.append(caught.value)
    for error in errors:
        assert_clean(error)
