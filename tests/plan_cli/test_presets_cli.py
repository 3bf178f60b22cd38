"""Presets per workspace, through the CLI against the emulator on loopback: one slug in two
workspaces is two presets and converges; pruning archives a preset and declaring it again
restores it (no new version unless the content differs); a workspace's deletion archives its
presets first."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from plan_cli_support import Api, orctl

HEAD = """version: 1
secret_sinks:
  files: {type: file, path: "secrets/{workspace}/{key}.key"}
"""


def _workspace(slug: str, presets: str, prune: bool = False) -> str:
    return (
        f"  {slug}:\n    name: {slug.title()}\n" + ("    prune: true\n" if prune else "") + "    keys:\n"
        "      bot: {secret_sink: files, limit: 5}\n"
        "    presets:\n" + presets
    )


def _write(path: Path, *workspaces: str) -> Path:
    path.write_text(HEAD + "workspaces:\n" + "".join(workspaces))
    return path


def _run(api: Api, *args: str | Path) -> Any:
    return orctl(*args, env=api.env())


def _plan_json(api: Api, config: Path) -> Any:
    result = _run(api, "plan", "-c", config, "--output", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _apply(api: Api, config: Path, *extra: str) -> str:
    result = _run(api, "apply", "-c", config, "--auto-approve", "--allow-policy-violations", *extra)
    assert result.exit_code == 0, result.output
    return result.output


def _converged(api: Api, config: Path) -> None:
    result = _run(api, "plan", "-c", config, "--detailed-exitcode")
    assert result.exit_code == 0, result.output


def _presets(api: Api, slug: str) -> list[dict[str, Any]]:
    state = api.emulator.state
    return [{**p, "versions": len(state.preset_versions[p["id"]])} for p in state.presets.values() if p["slug"] == slug]


SUMMARIZER_ALPHA = "      summarizer: {publish_with: bot, model: openai/gpt-5-mini, parameters: {temperature: 0.1}}\n"
SUMMARIZER_BETA = "      summarizer: {publish_with: bot, model: openai/gpt-5-mini, parameters: {temperature: 0.9}}\n"


def test_one_slug_in_two_workspaces_is_two_presets_and_converges(api: Api, tmp_path: Path) -> None:
    config = _write(tmp_path / "orctl.yaml", _workspace("alpha", SUMMARIZER_ALPHA), _workspace("beta", SUMMARIZER_BETA))
    plan = _plan_json(api, config)
    creates = [c["address"] for c in plan["changes"] if c["kind"] == "preset"]
    assert creates == ["preset:alpha/summarizer", "preset:beta/summarizer"]
    _apply(api, config)
    _converged(api, config)  # each workspace's preset is read with its own workspace_id
    live = {(p["workspace_id"], p["versions"]) for p in _presets(api, "summarizer")}
    assert live == {(api.workspace_id("alpha"), 1), (api.workspace_id("beta"), 1)}
    # A change in one workspace is a new version there only.
    _write(tmp_path / "orctl.yaml", _workspace("alpha", SUMMARIZER_ALPHA), _workspace("beta", SUMMARIZER_ALPHA))
    plan = _plan_json(api, config)
    assert [(c["action"], c["address"], c["details"]) for c in plan["changes"]] == [
        ("update", "preset:beta/summarizer", {"version_before": 1, "version_after": 2, "restores_version": None})
    ]
    _apply(api, config)
    _converged(api, config)
    versions = {p["workspace_id"]: p["versions"] for p in _presets(api, "summarizer")}
    assert versions == {api.workspace_id("alpha"): 1, api.workspace_id("beta"): 2}


def test_a_pruned_preset_is_archived_and_comes_back_by_restore(api: Api, tmp_path: Path) -> None:
    config = tmp_path / "orctl.yaml"
    _write(config, _workspace("alpha", SUMMARIZER_ALPHA))
    _apply(api, config)
    _write(config, _workspace("alpha", "      {}\n", prune=True).replace("    presets:\n      {}\n", ""))

    plan = _plan_json(api, config)
    [archive] = [c for c in plan["changes"] if c["kind"] == "preset"]
    assert archive["action"] == "delete" and archive["details"] == {"archive": True}
    assert archive["reason"] == (
        "not declared (pruning is on): archived, its versions kept; declaring it again restores it"
    )
    text = _run(api, "plan", "-c", config)
    assert "- preset:alpha/summarizer" in text.stdout and "archived, its versions kept" in text.stdout
    markdown = _run(api, "plan", "-c", config, "--output", "markdown")
    assert "🔴 archive | `preset:alpha/summarizer`" in markdown.stdout
    assert "🔴 Archive `preset:alpha/summarizer`" in markdown.stdout

    refused = _run(api, "apply", "-c", config, "--auto-approve", "--allow-policy-violations")
    assert refused.exit_code == 1 and "--allow-destroy" in refused.output  # an archive is a delete for the guards
    applied = _apply(api, config, "--allow-destroy")
    assert "archived (its versions are kept; declaring it again restores it)" in applied
    [archived] = _presets(api, "summarizer")
    assert archived["status"] == "archived" and archived["versions"] == 1
    _converged(api, config)  # an archived preset is hidden: nothing left to do

    # Declared again with the same content: restored, no new version.
    _write(config, _workspace("alpha", SUMMARIZER_ALPHA))
    text = _run(api, "plan", "-c", config)
    assert "new preset, v1 (restored instead if the slug is archived)" in text.stdout
    [create] = [c for c in _plan_json(api, config)["changes"] if c["kind"] == "preset"]
    assert create["action"] == "create" and create["details"]["restore_if_archived"] is True
    applied = _apply(api, config)
    assert "restored (v1 kept, no new version)" in applied
    [restored] = _presets(api, "summarizer")
    assert restored["status"] == "active" and restored["versions"] == 1
    _converged(api, config)

    # Archived again, then declared with other content: restored, then one new version.
    _write(config, _workspace("alpha", "      {}\n", prune=True).replace("    presets:\n      {}\n", ""))
    _apply(api, config, "--allow-destroy")
    _write(config, _workspace("alpha", SUMMARIZER_BETA))
    applied = _apply(api, config)
    assert "restored, then a new version published after v1" in applied
    [restored] = _presets(api, "summarizer")
    assert restored["status"] == "active" and restored["versions"] == 2
    _converged(api, config)


def test_deleting_a_workspace_archives_its_presets_first(api: Api, tmp_path: Path) -> None:
    config = tmp_path / "orctl.yaml"
    _write(config, _workspace("alpha", SUMMARIZER_ALPHA), _workspace("beta", SUMMARIZER_BETA))
    _apply(api, config)
    config.write_text(
        HEAD.replace("version: 1\n", "version: 1\nownership: {prune_workspaces: true}\n")
        + "workspaces:\n"
        + _workspace("alpha", SUMMARIZER_ALPHA)
    )
    changes = _plan_json(api, config)["changes"]
    addresses = [c["address"] for c in changes]
    archive = next(c for c in changes if c["address"] == "preset:beta/summarizer")
    assert archive["action"] == "delete" and archive["details"] == {"archive": True}
    assert archive["reason"] == "its workspace is deleted: archived first, not left to the server's cascade"
    assert addresses.index("preset:beta/summarizer") < addresses.index("workspace:beta")
    applied = _apply(api, config, "--allow-destroy")
    assert applied.index("- preset:beta/summarizer ... archived") < applied.index("- workspace:beta ... deleted")
    [alpha] = _presets(api, "summarizer")
    assert alpha["workspace_id"] == api.workspace_id("alpha")


SUMMARIZER_NO_PUBLISHER = "      summarizer: {model: openai/gpt-5-mini, parameters: {temperature: 0.1}}\n"


def test_an_archived_preset_declared_without_publish_with_is_restored(api: Api, tmp_path: Path) -> None:
    # An exported config has no publish_with: bringing an archived preset back needs no publisher.
    config = tmp_path / "orctl.yaml"
    _write(config, _workspace("alpha", SUMMARIZER_ALPHA))
    _apply(api, config)
    _write(config, _workspace("alpha", "      {}\n", prune=True).replace("    presets:\n      {}\n", ""))
    _apply(api, config, "--allow-destroy")
    _write(config, _workspace("alpha", SUMMARIZER_NO_PUBLISHER))
    text = _run(api, "plan", "-c", config)
    assert "no publish_with: apply can only restore it" in text.stdout
    applied = _apply(api, config)
    assert "restored (v1 kept, no new version)" in applied
    [restored] = _presets(api, "summarizer")
    assert restored["status"] == "active" and restored["versions"] == 1
    _converged(api, config)


def test_a_new_preset_without_publish_with_fails_at_its_change_with_the_fix(api: Api, tmp_path: Path) -> None:
    config = _write(tmp_path / "orctl.yaml", _workspace("alpha", SUMMARIZER_NO_PUBLISHER))
    result = _run(api, "apply", "-c", config, "--auto-approve", "--allow-policy-violations")
    assert result.exit_code == 1, result.output
    assert "its slug is not archived, so it is a new preset; publishing a version needs publish_with" in result.output
    assert "Traceback" not in result.output
    assert _presets(api, "summarizer") == []
    assert api.emulator.state.keys  # the changes before it were applied and reported
