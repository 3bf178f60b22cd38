"""A file orctl cannot write is one `Error: PATH: reason` line, never a raw `[Errno N]` or a
"File exists" for a parent that is a file; Ctrl-C is `Interrupted.` and exit 130 wherever it lands."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import orctl, write_config

from openrouter_iac.cli import plan_cmd


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("not a directory\n", "utf-8")
    write_config(tmp_path / "orctl.yaml", {"lab": {"name": "Lab"}})


@pytest.mark.parametrize(
    "args",
    [
        ["plan", "--emulator", "--emulator-state", "afile/state.json"],
        ["plan", "--emulator", "--out", "afile/saved.plan"],
    ],
)
def test_a_parent_that_is_a_file_is_named(args: list[str]) -> None:
    result = orctl(*args)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "Error: afile: a file, where a directory is needed"


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_a_state_file_that_cannot_be_made_is_one_line_without_errno(tmp_path: Path) -> None:
    # /proc takes no new files: the emulator's lock file cannot be made there.
    result = orctl("plan", "--emulator", "--emulator-state", "/proc/orctl-test-state.json")
    assert result.exit_code == 1
    assert result.stderr == "Error: /proc/orctl-test-state.json.lock: No such file or directory\n"


def test_ctrl_c_anywhere_in_a_command_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    # Outside the commands' own handling (here: while checking options), Ctrl-C exits as it
    # does everywhere else, not with click's "Aborted!" and exit 1, the code of an error.
    def interrupted(graph: bool, output: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(plan_cmd, "check_graph_option", interrupted)
    result = orctl("plan", "--emulator")
    assert (result.exit_code, result.stderr) == (130, "Interrupted.\n")
