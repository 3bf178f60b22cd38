from __future__ import annotations

import io
from pathlib import Path

import pytest
from pydantic import TypeAdapter
from secrets_support import PLAIN_SECRET

from openrouter_iac.model.sinks import SecretSinkSpec
from openrouter_iac.secrets import CommandSink, EnvFileSink, FileSink, KeyringSink, mask_for_ci, open_sink


def test_mask_under_github_actions() -> None:
    out = io.StringIO()
    mask_for_ci(PLAIN_SECRET, env={"GITHUB_ACTIONS": "true"}, stream=out)
    assert out.getvalue() == f"::add-mask::{PLAIN_SECRET}\n"


@pytest.mark.parametrize("env", [{}, {"GITHUB_ACTIONS": "false"}, {"CI": "true"}])
def test_no_mask_elsewhere(env: dict[str, str]) -> None:
    out = io.StringIO()
    mask_for_ci(PLAIN_SECRET, env=env, stream=out)
    assert out.getvalue() == ""


def test_mask_escapes_and_masks_each_line() -> None:
    out = io.StringIO()
    mask_for_ci("a%b\nsecond-line", env={"GITHUB_ACTIONS": "true"}, stream=out)
    assert out.getvalue().splitlines() == [
        "::add-mask::a%25b%0Asecond-line",
        "::add-mask::a%25b",
        "::add-mask::second-line",
    ]


def test_mask_defaults_to_stdout(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    mask_for_ci(PLAIN_SECRET)
    assert capsys.readouterr().out == f"::add-mask::{PLAIN_SECRET}\n"


@pytest.mark.parametrize(
    ("raw", "cls"),
    [
        ({"type": "keyring"}, KeyringSink),
        ({"type": "file", "path": "keys/{key}"}, FileSink),
        ({"type": "command", "run": ["gh", "secret", "set", "{KEY}"]}, CommandSink),
        ({"type": "env-file", "path": ".env"}, EnvFileSink),
    ],
)
def test_open_sink(raw: dict[str, object], cls: type, tmp_path: Path) -> None:
    spec = TypeAdapter(SecretSinkSpec).validate_python(raw)
    sink = open_sink("mine", spec, base_dir=tmp_path)
    assert isinstance(sink, cls)
    assert sink.name == "mine"
    assert sink.readable is (cls is not CommandSink)
    assert "mine" in repr(sink)
