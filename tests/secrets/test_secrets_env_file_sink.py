from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from secrets_support import KEY_HASH, PLAIN_SECRET, SECRET

from openrouter_iac.errors import SinkError
from openrouter_iac.model.sinks import EnvFileSinkSpec
from openrouter_iac.secrets import EnvFileSink, KeyRef, dotenv

REF = KeyRef("prod-eu", "ci-bot")
VAR = "OPENROUTER_KEY_PROD_EU_CI_BOT"


def sink(tmp_path: Path, path: str = "ci/.env", **spec: str) -> EnvFileSink:
    return EnvFileSink(
        "dotenv",
        EnvFileSinkSpec.model_validate({"type": "env-file", "path": path, **spec}),
        base_dir=tmp_path,
    )


def test_store_creates_private_file_with_default_variable(tmp_path: Path) -> None:
    s = sink(tmp_path)
    s.check_usable([REF])
    s.store(REF, KEY_HASH, SECRET)
    path = tmp_path / "ci/.env"
    assert path.read_text() == f"{VAR}={SECRET}\n{VAR}_HASH={KEY_HASH}\n"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    s.verify(REF, KEY_HASH, SECRET)
    assert s.read_secret(REF) == SECRET
    assert s.recorded_hash(REF) == KEY_HASH
    assert s.readable


def test_replaces_existing_lines_instead_of_duplicating(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text(
        "# managed by hand\n"
        "OTHER=keep-me\n"
        f"export {VAR}=old-secret\n"
        f"{VAR}_HASH=old-hash\n"
        "\n"
        f"{VAR}=even-older\n"
        "LAST='quoted value'\n"
    )
    os.chmod(path, 0o644)
    s = sink(tmp_path, ".env")
    s.store(REF, KEY_HASH, SECRET)
    s.store(REF, KEY_HASH, SECRET)  # storing twice changes nothing

    assert path.read_text().splitlines() == [
        "# managed by hand",
        "OTHER=keep-me",
        f"export {VAR}={SECRET}",
        f"{VAR}_HASH={KEY_HASH}",
        "",
        "LAST='quoted value'",
    ]
    assert path.read_text().endswith("'\n")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert dotenv.parse(path.read_text())["LAST"] == "quoted value"


def test_several_keys_share_one_file(tmp_path: Path) -> None:
    s = sink(tmp_path, ".env", variable="{KEY}_KEY")
    web = KeyRef("prod-eu", "web")
    s.check_usable([REF, web])
    s.store(REF, "hash-1", SECRET)
    s.store(web, "hash-2", PLAIN_SECRET)
    s.store(REF, "hash-3", PLAIN_SECRET)  # rotation of one key leaves the other alone
    assert dotenv.parse((tmp_path / ".env").read_text()) == {
        "CI_BOT_KEY": PLAIN_SECRET,
        "CI_BOT_KEY_HASH": "hash-3",
        "WEB_KEY": PLAIN_SECRET,
        "WEB_KEY_HASH": "hash-2",
    }


def test_invalid_variable_name(tmp_path: Path) -> None:
    with pytest.raises(SinkError, match=r"'ci-bot_KEY'.*not a valid environment variable name") as caught:
        sink(tmp_path, variable="{key}_KEY").check_usable([REF])
    assert "'dotenv' (env-file)" in str(caught.value) and "prod-eu/ci-bot" in str(caught.value)
    with pytest.raises(SinkError, match="not a valid"):
        sink(tmp_path, variable="KEY_{Key}").store(REF, KEY_HASH, SECRET)
    assert not (tmp_path / "ci").exists()


def test_variables_must_not_collide(tmp_path: Path) -> None:
    # Key `a`'s hash variable is key `a-hash`'s secret variable.
    refs = [KeyRef("w", "a"), KeyRef("w", "a-hash")]
    with pytest.raises(SinkError, match="both keys would set the variable A_HASH"):
        sink(tmp_path, variable="{KEY}").check_usable(refs)


def test_path_may_use_placeholders(tmp_path: Path) -> None:
    sink(tmp_path, "{workspace}.env").store(REF, KEY_HASH, SECRET)
    assert (tmp_path / "prod-eu.env").exists()


def test_verify_detects_a_changed_file(tmp_path: Path) -> None:
    s = sink(tmp_path, ".env")
    s.store(REF, KEY_HASH, PLAIN_SECRET)
    text = (tmp_path / ".env").read_text().replace(PLAIN_SECRET, "edited")
    (tmp_path / ".env").write_text(text)
    with pytest.raises(SinkError, match=f"does not set {VAR} to the secret") as caught:
        s.verify(REF, KEY_HASH, PLAIN_SECRET)
    assert PLAIN_SECRET not in str(caught.value)


def test_nothing_stored_reads_as_none(tmp_path: Path) -> None:
    s = sink(tmp_path)
    assert s.read_secret(REF) is None and s.recorded_hash(REF) is None


def test_unwritable_secret_value(tmp_path: Path) -> None:
    secret = PLAIN_SECRET + "'x y"
    with pytest.raises(SinkError, match="cannot hold safely") as caught:
        sink(tmp_path).store(REF, KEY_HASH, secret)
    assert PLAIN_SECRET not in str(caught.value)


def test_dotenv_values_round_trip() -> None:
    for value in ["plain", "with space", 'dq"inside', "a#b", "x # not a comment"]:
        line = f"V={dotenv.render_value(value)}"
        assert dotenv.parse(line) == {"V": value}
    assert dotenv.parse('A="a \\"quoted\\" word"\nB=bare # comment\n') == {"A": 'a "quoted" word', "B": "bare"}
    assert dotenv.upsert("", {"A": "1"}) == "A=1\n"
    assert dotenv.upsert("X=1", {"A": "2"}) == "X=1\nA=2\n"
