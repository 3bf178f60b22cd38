"""Config files orctl cannot read: one problem line naming the file, never a bare errno or a
file silently left out of the config."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from cli_support import orctl

CONFIG = "version: 1\nworkspaces:\n  lab:\n    name: Lab\n"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_a_read_error_names_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    Path("orctl.yaml").write_text(CONFIG, encoding="utf-8")
    real = Path.read_bytes

    def failing(path: Path) -> bytes:
        if path.name == "orctl.yaml":
            raise OSError(errno.EIO, "Input/output error")  # as a read() error: no file name in it
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", failing)
    result = orctl("validate", "-c", "orctl.yaml")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: the configuration has 1 problem:\norctl.yaml: cannot read the file: Input/output error\n"
    )


def test_a_dangling_link_in_a_config_directory_is_reported_not_skipped() -> None:
    Path("orctl").mkdir()
    Path("orctl/00-base.yaml").write_text(CONFIG, encoding="utf-8")
    Path("orctl/10-prod.yaml").symlink_to("../moved-away.yaml")
    result = orctl("validate", "-c", "orctl")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: the configuration has 1 problem:\norctl/10-prod.yaml: cannot read the file: No such file or directory\n"
    )


def test_a_config_that_is_not_a_regular_file_is_read_as_one() -> None:
    # /dev/null, a pipe, a process substitution (`-c <(...)`): read as a file, not listed as a directory.
    result = orctl("validate", "-c", "/dev/null")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: the configuration has 1 problem:\n"
        "/dev/null:1:1: the file is empty (expected a mapping with `version: 1`)\n"
    )


def test_an_absolute_path_outside_the_current_directory_is_shown_as_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "orctl.yaml").write_text("version: 1\nworkspaces: []\n", encoding="utf-8")
    Path("here").mkdir()
    monkeypatch.chdir("here")  # not ../elsewhere/orctl.yaml
    result = orctl("validate", "-c", str(elsewhere / "orctl.yaml"))
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: the configuration has 1 problem:\n"
        f"{elsewhere / 'orctl.yaml'}:2:13: workspaces: expected a mapping, got a list\n"
    )
