"""`orctl plan` of a key-per-customer workspace against the emulator: unmanaged objects are
counted per workspace and kind in text and markdown, listed in full with --show-all-unmanaged,
and always all present in JSON."""

from __future__ import annotations

import json
from pathlib import Path

from plan_cli_support import Api, orctl

CONFIG = """version: 1
workspaces:
  busy:
    name: Busy
    keys:
      declared:
        limit: 6
"""


def key_per_customer(api: Api, tmp_path: Path, customers: int = 45) -> Path:
    """A declared workspace with one declared key (its limit changes) and 45 undeclared ones."""
    workspace = api.call("POST", "/workspaces", {"name": "Busy", "slug": "busy"})["data"]["id"]
    api.call("POST", "/keys", {"name": "declared", "workspace_id": workspace, "limit": 5})
    for n in range(customers):
        api.call("POST", "/keys", {"name": f"customer-{n:03}", "workspace_id": workspace})
    config = tmp_path / "orctl.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    return config


def test_text_counts_a_large_group(api: Api, tmp_path: Path) -> None:
    config = key_per_customer(api, tmp_path)
    result = orctl("plan", "-c", config, env=api.env())
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    grouped = [line for line in lines if line.startswith("  45 api_key in workspace busy (45 ")]
    assert len(grouped) == 1, result.stdout
    assert "e.g. api_key:busy/customer-000, api_key:busy/customer-001, api_key:busy/customer-002" in grouped[0]
    assert not any("api_key:busy/customer-044" in line for line in lines)
    assert "--show-all-unmanaged lists all" in result.stdout


def test_show_all_unmanaged_lists_every_key(api: Api, tmp_path: Path) -> None:
    config = key_per_customer(api, tmp_path)
    result = orctl("plan", "-c", config, "--show-all-unmanaged", env=api.env())
    assert result.exit_code == 0, result.output
    assert all(f"  api_key:busy/customer-{n:03}  (" in result.stdout for n in range(45))
    markdown = orctl("plan", "-c", config, "--output", "markdown", "--show-all-unmanaged", env=api.env())
    assert markdown.exit_code == 0, markdown.output
    assert "- `api_key:busy/customer-044`: " in markdown.stdout


def test_markdown_and_json(api: Api, tmp_path: Path) -> None:
    config = key_per_customer(api, tmp_path)
    plan_file = tmp_path / "plan.json"
    result = orctl("plan", "-c", config, "--output", "json", "--out", plan_file, env=api.env())
    assert result.exit_code == 0, result.output
    addresses = [u["address"] for u in json.loads(result.stdout)["unmanaged"]]
    assert {f"api_key:busy/customer-{n:03}" for n in range(45)} <= set(addresses)
    shown = orctl("show", plan_file, "--output", "markdown")
    assert shown.exit_code == 0, shown.output
    assert "- 45 `api_key` in workspace busy: 45 " in shown.stdout
    assert "api_key:busy/customer-044" not in shown.stdout
    every = orctl("show", plan_file, "--show-all-unmanaged")
    assert every.exit_code == 0 and "api_key:busy/customer-044" in every.stdout
