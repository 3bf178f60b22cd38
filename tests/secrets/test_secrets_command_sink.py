from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from secrets_support import KEY_HASH, PLAIN_SECRET, SECRET

from openrouter_iac.errors import SinkError
from openrouter_iac.model.sinks import CommandSinkSpec
from openrouter_iac.secrets import CommandSink, KeyRef, SinkRefused
from openrouter_iac.secrets.command_sink import output_tail

REF = KeyRef("prod-eu", "ci-bot")

# Writes stdin to argv[1] and dumps its argv and environment to argv[2].
RECORDER = (
    "import json, os, sys\n"
    "data = sys.stdin.read()\n"
    "open(sys.argv[1], 'w').write(data)\n"
    "json.dump({'argv': sys.argv, 'env': dict(os.environ)}, open(sys.argv[2], 'w'))\n"
)


def sink(tmp_path: Path, run: list[str], *, env: dict[str, str] | None = None, **spec: object) -> CommandSink:
    return CommandSink(
        "store-cmd",
        CommandSinkSpec.model_validate({"type": "command", "run": run, **spec}),
        base_dir=tmp_path,
        env=env,
    )


def recorder(tmp_path: Path) -> list[str]:
    return [
        sys.executable,
        "-c",
        RECORDER,
        str(tmp_path / "{key}.out"),
        str(tmp_path / "{KEY}.json"),
        "{workspace}",
        "{WORKSPACE}",
    ]


def base_env(**extra: str) -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", os.defpath), **extra}


def test_secret_arrives_on_stdin_only(tmp_path: Path) -> None:
    env = base_env(
        OPENROUTER_MANAGEMENT_KEY="sk-or-v1-" + "9" * 64,
        LEAKY=f"prefix-{PLAIN_SECRET}",
        GH_TOKEN="ghp_kept_for_the_command",
        UNRELATED="not passed on",
        HOME=str(tmp_path),
    )
    s = sink(tmp_path, recorder(tmp_path), env=env, input="secret", pass_env=["GH_TOKEN", "LEAKY"])
    s.check_usable([REF])
    s.store(REF, KEY_HASH, PLAIN_SECRET)
    s.verify(REF, KEY_HASH, PLAIN_SECRET)

    assert (tmp_path / "ci-bot.out").read_text() == PLAIN_SECRET  # exactly the secret, no newline
    dump = json.loads((tmp_path / "CI_BOT.json").read_text())
    assert dump["argv"][1:] == [str(tmp_path / "ci-bot.out"), str(tmp_path / "CI_BOT.json"), "prod-eu", "PROD_EU"]
    serialized = json.dumps(dump)
    assert PLAIN_SECRET not in serialized
    assert "sk-or-" not in serialized  # the management key is not passed on either
    assert "LEAKY" not in dump["env"] and "OPENROUTER_MANAGEMENT_KEY" not in dump["env"]
    assert dump["env"]["GH_TOKEN"] == "ghp_kept_for_the_command"  # named in pass_env
    assert "UNRELATED" not in dump["env"]  # a minimal environment: only what is named
    # Python itself may add LC_CTYPE to its own environment; nothing else is there.
    expected = {"PATH", "HOME", "GH_TOKEN", "ORCTL_WORKSPACE", "ORCTL_KEY", "ORCTL_KEY_HASH"}
    assert set(dump["env"]) - {"LC_CTYPE"} == expected
    assert dump["env"]["ORCTL_WORKSPACE"] == "prod-eu"
    assert dump["env"]["ORCTL_KEY"] == "ci-bot"
    assert dump["env"]["ORCTL_KEY_HASH"] == KEY_HASH


def test_envelope_on_stdin(tmp_path: Path) -> None:
    s = sink(tmp_path, recorder(tmp_path))
    s.store(REF, KEY_HASH, PLAIN_SECRET, expires_at="2027-01-01T00:00:00Z")
    raw = (tmp_path / "ci-bot.out").read_text()
    assert raw.endswith("}\n") and raw.count("\n") == 1  # one JSON line
    body = json.loads(raw)
    assert body == {
        "version": 1,
        "operation_id": body["operation_id"],
        "workspace": "prod-eu",
        "key": "ci-bot",
        "key_hash": KEY_HASH,
        "secret": PLAIN_SECRET,
        "expires_at": "2027-01-01T00:00:00Z",
    }
    # The same delivery always carries the same operation id; another key hash another one.
    s.store(REF, KEY_HASH, PLAIN_SECRET)
    again = json.loads((tmp_path / "ci-bot.out").read_text())
    assert again["operation_id"] == body["operation_id"] and again["expires_at"] is None
    s.store(REF, "b" * 64, PLAIN_SECRET)
    assert json.loads((tmp_path / "ci-bot.out").read_text())["operation_id"] != body["operation_id"]


def test_exit_code_10_is_refused_and_others_unknown(tmp_path: Path) -> None:
    refuse = sink(tmp_path, [sys.executable, "-c", "import sys; sys.stdin.read(); sys.exit(10)"])
    with pytest.raises(SinkRefused, match=r"refused the secret \(exit code 10: nothing stored\)"):
        refuse.store(REF, KEY_HASH, SECRET)
    unknown = sink(tmp_path, [sys.executable, "-c", "import sys; sys.stdin.read(); sys.exit(1)"])
    with pytest.raises(SinkError, match="may or may not be stored") as caught:
        unknown.store(REF, KEY_HASH, SECRET)
    assert not isinstance(caught.value, SinkRefused)
    missing = sink(tmp_path, ["orctl-no-such-program-xyz"], env=base_env())
    with pytest.raises(SinkRefused):  # it never ran, so nothing can be stored
        missing.store(REF, KEY_HASH, SECRET)


def test_cannot_remove_but_drops_its_hash_record(tmp_path: Path) -> None:
    s = sink(tmp_path, recorder(tmp_path), hash_record="{key}.hash")
    s.store(REF, KEY_HASH, SECRET)
    assert s.recorded_hash(REF) == KEY_HASH
    assert s.remove(REF) is False  # reported by the caller: the command only stores
    assert s.recorded_hash(REF) is None


def test_not_readable_back(tmp_path: Path) -> None:
    s = sink(tmp_path, recorder(tmp_path))
    assert s.readable is False
    s.store(REF, KEY_HASH, SECRET)
    assert s.read_secret(REF) is None
    assert s.recorded_hash(REF) is None


def test_hash_record(tmp_path: Path) -> None:
    s = sink(tmp_path, recorder(tmp_path), hash_record="hashes/{workspace}/{key}.hash")
    s.check_usable([REF])
    s.store(REF, KEY_HASH, SECRET)
    record = tmp_path / "hashes/prod-eu/ci-bot.hash"
    assert record.read_text() == KEY_HASH + "\n"
    assert stat.S_IMODE(os.stat(record).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(record.parent).st_mode) == 0o700
    assert s.recorded_hash(REF) == KEY_HASH
    s.verify(REF, KEY_HASH, SECRET)
    with pytest.raises(SinkError, match="hash record"):
        s.verify(REF, "another-hash", SECRET)


def test_failing_command_reports_exit_code_and_redacted_stderr(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "s = sys.stdin.read()\n"
        "print('stored ' + s)\n"
        "print('error: cannot store ' + s, file=sys.stderr)\n"
        "print('permission denied', file=sys.stderr)\n"
        "sys.exit(3)\n"
    )
    s = sink(tmp_path, [sys.executable, "-c", script], hash_record="{key}.hash", input="secret")
    (tmp_path / "ci-bot.hash").write_text("old-hash\n")
    with pytest.raises(SinkError) as caught:
        s.store(REF, KEY_HASH, PLAIN_SECRET)
    message = str(caught.value)
    assert "'store-cmd' (command)" in message and "prod-eu/ci-bot" in message
    assert "exited with code 3 (the secret may or may not be stored)" in message
    assert "error: cannot store (sensitive)" in message and "permission denied" in message
    assert PLAIN_SECRET not in message
    assert "stored (sensitive)" not in message  # stdout is not shown when there is stderr
    assert not (tmp_path / "ci-bot.hash").exists()  # the old hash no longer claims this key


def test_command_killed_by_signal(tmp_path: Path) -> None:
    script = "import os, signal, sys; sys.stdin.read(); os.kill(os.getpid(), signal.SIGTERM)"
    with pytest.raises(SinkError, match="killed by signal 15"):
        sink(tmp_path, [sys.executable, "-c", script]).store(REF, KEY_HASH, SECRET)


def test_command_that_ignores_stdin_and_succeeds(tmp_path: Path) -> None:
    # It exits without reading: the secret (larger than a pipe buffer) meets a closed pipe, which
    # is not a failure. The command did run, and its success is recorded like any other.
    marker = tmp_path / "ran"
    s = sink(tmp_path, [sys.executable, "-c", f"open({str(marker)!r}, 'w').write('ok')"], hash_record="{key}.hash")
    s.store(REF, KEY_HASH, SECRET * 2000)
    assert marker.read_text() == "ok"
    assert s.recorded_hash(REF) == KEY_HASH
    s.verify(REF, KEY_HASH, SECRET)


def test_timeout_stops_the_command(tmp_path: Path) -> None:
    s = CommandSink(
        "slow",
        CommandSinkSpec(type="command", run=[sys.executable, "-c", "import time; time.sleep(30)"]),
        base_dir=tmp_path,
        timeout=0.3,
    )
    with pytest.raises(SinkError, match=r"did not finish within 0\.3 s"):
        s.store(REF, KEY_HASH, SECRET)


def test_missing_program(tmp_path: Path) -> None:
    s = sink(tmp_path, ["orctl-no-such-program-xyz", "{key}"], env=base_env())
    with pytest.raises(SinkError, match="'orctl-no-such-program-xyz' was not found on PATH") as caught:
        s.check_usable([REF])
    assert "prod-eu/ci-bot" in str(caught.value)
    with pytest.raises(SinkError, match="not found on PATH"):
        s.store(REF, KEY_HASH, SECRET)


def test_program_by_relative_path(tmp_path: Path) -> None:
    script = tmp_path / "bin" / "store.sh"
    script.parent.mkdir()
    script.write_text(f"#!/bin/sh\ncat > {tmp_path}/$1.out\n")
    s = sink(tmp_path, ["bin/store.sh", "{key}"], input="secret")
    with pytest.raises(SinkError, match="is not an executable file"):
        s.check_usable([REF])
    script.chmod(0o755)
    s.check_usable([REF])
    s.store(REF, KEY_HASH, SECRET)
    assert (tmp_path / "ci-bot.out").read_text() == SECRET


def test_check_usable_refuses_shared_hash_record(tmp_path: Path) -> None:
    s = sink(tmp_path, recorder(tmp_path), hash_record="{workspace}.hash")
    with pytest.raises(SinkError, match="same file"):
        s.check_usable([REF, KeyRef("prod-eu", "web")])


def test_output_tail_is_short_and_redacted() -> None:
    output = "\n".join(f"line {i} {PLAIN_SECRET}" for i in range(50)).encode()
    tail = output_tail(output, PLAIN_SECRET)
    assert PLAIN_SECRET not in tail
    assert tail.count("\n") == 4 and "line 49 (sensitive)" in tail
    assert len(output_tail(b"x" * 5000, PLAIN_SECRET)) <= 610


def test_interrupt_stops_the_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[subprocess.Popen[bytes]] = []
    original = subprocess.Popen.communicate

    def interrupted(self: subprocess.Popen[bytes], *args: object, **kwargs: object) -> object:
        if not started:  # the first call is the sink's: simulate Ctrl-C while the command runs
            started.append(self)
            raise KeyboardInterrupt
        return original(self, *args, **kwargs)  # type: ignore[arg-type,misc]

    monkeypatch.setattr(subprocess.Popen, "communicate", interrupted)
    s = sink(tmp_path, [sys.executable, "-c", "import time; time.sleep(30)"])
    with pytest.raises(KeyboardInterrupt):
        s.store(REF, KEY_HASH, SECRET)
    assert started[0].returncode == -9
