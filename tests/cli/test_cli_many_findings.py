"""A plan of many keys with the same policy finding stays readable: text and markdown list the
first 20 of a rule and count the rest; the JSON plan (and `orctl lint`) keep every finding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import plan, write_config


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _config(tmp_path: Path, keys: int) -> Path:
    # Every key is capped and expires, but names no behavior: one error per key, nothing else.
    key = {"limit": 1, "limit_reset": "daily", "expires_at": "2027-06-30T00:00:00Z"}
    workspace = {"name": "Customers", "budgets": {"monthly": 1000}, "keys": {f"c-{n:02}": key for n in range(keys)}}
    return write_config(tmp_path / "orctl.yaml", {"customers": workspace})


def test_text_and_markdown_count_the_findings_of_a_rule_beyond_20(tmp_path: Path) -> None:
    config = _config(tmp_path, 26)
    text = plan(config)
    assert text.exit_code == 0, text.output
    assert "Policy: 26 errors, 0 warnings (orctl lint):" in text.stdout
    listed = [line for line in text.stdout.splitlines() if "error [key-no-behavior]" in line]
    assert len(listed) == 20
    assert "api_key:customers/c-19 declares" in listed[-1]
    assert "  … and 6 more errors of [key-no-behavior] (`orctl lint` lists every one)" in text.stdout

    markdown = plan(config, "--output", "markdown")
    assert markdown.exit_code == 0, markdown.output
    assert markdown.stdout.count("❌ **key-no-behavior**") == 20
    assert "- … and 6 more errors of **key-no-behavior** (`orctl lint` lists every one)" in markdown.stdout

    document = json.loads(plan(config, "--output", "json").stdout)
    assert [f["rule"] for f in document["policy_findings"]] == ["key-no-behavior"] * 26


def test_twenty_findings_of_a_rule_are_all_listed(tmp_path: Path) -> None:
    text = plan(_config(tmp_path, 20))
    assert text.exit_code == 0, text.output
    assert len([line for line in text.stdout.splitlines() if "error [key-no-behavior]" in line]) == 20
    assert "more errors of" not in text.stdout
