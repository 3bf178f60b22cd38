"""YAML tags are not part of the config language: `!!python/object:...` or `!custom` on any node is
one error at its file:line:column with its path (before, a tagged mapping read as a plain one).
A NUL byte is one clean error line at its place too."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import orctl

from openrouter_iac.config import yaml_source


@pytest.fixture(autouse=True, params=["libyaml", "python"])
def _composer(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    if request.param == "python":
        monkeypatch.setattr(yaml_source, "_FastLoader", None)


def validate(text: str) -> list[str]:
    Path("orctl.yaml").write_text(text, encoding="utf-8")
    result = orctl("validate", "-c", "orctl.yaml")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == "Error: the configuration has 1 problem:"
    return result.stderr.splitlines()[1:]


REFUSED = "YAML tags are not part of the orctl config language: remove"


CASES = [
    ("version: 1\nworkspaces: !!python/object:os.system {}\n", "2:13: workspaces", "!!python/object:os.system"),
    ("version: 1\nworkspaces:\n  lab: !custom {name: Lab}\n", "3:8: workspaces.lab", "!custom"),
    ("version: 1\nworkspaces:\n  lab:\n    name: !custom Lab\n", "4:11: workspaces.lab.name", "!custom"),
    ("version: 1\nworkspaces: !!seq []\nx: !!binary aGk=\n", "3:4: x", "!!binary"),
]


@pytest.mark.parametrize(("text", "where", "tag"), CASES)
def test_a_tag_is_one_error_at_its_place(text: str, where: str, tag: str) -> None:
    assert validate(text) == [f"orctl.yaml:{where}: {REFUSED} '{tag}'"]


def test_a_tag_on_the_whole_document_has_no_path() -> None:
    assert validate("!!set {version}\n") == [f"orctl.yaml:1:1: {REFUSED} '!!set'"]


def test_core_tags_that_mean_what_they_say_still_read() -> None:
    Path("orctl.yaml").write_text('version: !!int "1"\nworkspaces: !!map\n  lab: {name: !!str Lab}\n', "utf-8")
    result = orctl("validate", "-c", "orctl.yaml")
    assert result.exit_code == 0, result.stderr


def test_a_nul_byte_is_one_clean_line() -> None:
    assert validate("version: 1\nworkspaces:\n  l\x00ab: {}\n") == [
        "orctl.yaml:3:4: YAML syntax: character U+0000 is not allowed in YAML"
    ]
