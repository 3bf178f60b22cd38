"""`.pre-commit-hooks.yaml`: each hook is a well-formed pre-commit hook calling a real orctl command."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from orctl_calls import orctl_calls, problems_of
from review_support import REPO_ROOT, orctl

HOOKS = REPO_ROOT / ".pre-commit-hooks.yaml"
REQUIRED = {"id", "name", "entry", "language"}


def hooks() -> list[dict[str, Any]]:
    loaded = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert isinstance(loaded, list)
    return loaded


def test_hooks_are_well_formed() -> None:
    ids = [hook["id"] for hook in hooks()]
    assert ids == ["orctl-validate", "orctl-lint"]
    assert len(ids) == len(set(ids))
    for hook in hooks():
        assert set(hook) >= REQUIRED, hook
        assert hook["language"] == "python"  # installs this package, which provides `orctl`
        assert hook["pass_filenames"] is False  # a config is checked as a whole


def test_every_hook_calls_an_existing_orctl_command() -> None:
    for hook in hooks():
        calls = orctl_calls(" ".join([hook["entry"], *hook.get("args", [])]), f"hook {hook['id']}")
        assert len(calls) == 1
        assert problems_of(calls[0]) == []


@pytest.mark.parametrize("hook_id", ["orctl-validate", "orctl-lint"])
def test_each_hook_runs_as_pre_commit_would(hook_id: str, tmp_path: Any) -> None:
    hook = next(h for h in hooks() if h["id"] == hook_id)
    args = hook["entry"].split()[1:]
    good = orctl(*args, "-c", REPO_ROOT / "examples" / "agency")
    assert good.exit_code == 0, good.output
    (tmp_path / "orctl.yaml").write_text("version: 1\nworkspaces: {Bad Slug: {name: x}}\n", encoding="utf-8")
    bad = orctl(*args)
    assert bad.exit_code == 1


def test_the_call_checker_notices_mistakes() -> None:
    (call,) = orctl_calls('orctl plan -c "$CONFIG" --outptu json | tee x', "t")
    assert problems_of(call) == ["t: orctl plan -c $CONFIG --outptu json: orctl plan has no option --outptu"]
    (call,) = orctl_calls("orctl aply", "t")
    assert problems_of(call) == ["t: orctl aply: no command 'aply'"]
    (call,) = orctl_calls("orctl plan --output=yaml", "t")
    assert problems_of(call) == ["t: orctl plan --output=yaml: --output 'yaml' is not one of text, json, markdown"]
    calls = orctl_calls("set -e\norctl validate -c x && orctl plan \\\n  -c ${{ matrix.config }} --out p.plan", "t")
    assert [c.args for c in calls] == [("validate", "-c", "x"), ("plan", "-c", "GHEXPR", "--out", "p.plan")]
    assert all(problems_of(c) == [] for c in calls)
