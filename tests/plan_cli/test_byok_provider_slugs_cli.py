"""BYOK provider slugs, the way a user meets them: `orctl validate` (offline) warns about a slug
orctl's compiled list does not know and still accepts the config; `orctl plan` checks the slug
against the live `/providers` catalogue and refuses one it does not list, with "did you mean"."""

from __future__ import annotations

import json
from pathlib import Path

from plan_cli_support import Api, orctl

CONFIG = """version: 1
workspaces:
  lab:
    name: Lab
    byok:
      creds:
        provider: {provider}
        key: env:ORCTL_TEST_BYOK
"""


def _config(tmp_path: Path, provider: str) -> Path:
    path = tmp_path / "orctl.yaml"
    path.write_text(CONFIG.format(provider=provider))
    return path


def test_validate_warns_about_a_slug_it_does_not_know_and_accepts_the_config(tmp_path: Path) -> None:
    config = _config(tmp_path, "amazon-bedrok")
    result = orctl("validate", "-c", config)
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "Warning: orctl.yaml:7:19: workspaces.lab.byok.creds.provider: 'amazon-bedrok' is not a BYOK provider "
        "slug this orctl version knows (did you mean 'amazon-bedrock'?); `orctl plan` checks it against the live "
        "/providers catalogue\n"
    )
    assert result.stdout.startswith("The config is valid")
    as_json = json.loads(orctl("validate", "-c", config, "--output", "json").stdout)
    assert as_json["valid"] is True and as_json["problems"] == []
    assert [(w["line"], w["column"]) for w in as_json["warnings"]] == [(7, 19)]
    github = orctl("validate", "-c", config, "--output", "github").stdout
    assert github.startswith("::warning file=orctl.yaml,line=7,col=19,title=orctl validate::")
    assert orctl("validate", "-c", _config(tmp_path, "amazon-bedrock")).stderr == ""


def test_plan_refuses_a_slug_the_live_catalogue_does_not_list(api: Api, tmp_path: Path) -> None:
    result = orctl("plan", "-c", _config(tmp_path, "amazon-bedrok"), env=api.env(ORCTL_TEST_BYOK="x"))
    assert result.exit_code == 1 and result.stdout == ""
    assert (
        "orctl.yaml:7:19: workspaces.lab.byok.creds.provider: unknown BYOK provider 'amazon-bedrok' "
        "(did you mean 'amazon-bedrock'?)"
    ) in result.stderr
    assert "Traceback" not in result.output


def test_plan_accepts_a_new_slug_the_live_catalogue_lists(api: Api, tmp_path: Path) -> None:
    # `primalabs` is newer than some orctl lists: the live catalogue is what counts at plan time.
    assert "primalabs" in api.emulator.catalogue.provider_slugs
    config = _config(tmp_path, "primalabs")
    result = orctl("plan", "-c", config, "--output", "json", env=api.env(ORCTL_TEST_BYOK="x"))
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert [c["address"] for c in plan["changes"] if c["kind"] == "byok_key"] == ["byok_key:lab/creds"]
    assert not [w for w in plan["warnings"] if "primalabs" in w]


def test_plan_warns_about_a_slug_only_the_compiled_list_knows(api: Api, tmp_path: Path) -> None:
    # `anthropic/2` is a credential variant in the BYOK enum, not a provider /providers lists.
    result = orctl("plan", "-c", _config(tmp_path, "anthropic/2"), "--output", "json", env=api.env(ORCTL_TEST_BYOK="x"))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["warnings"] == [
        "orctl.yaml:7:19: workspaces.lab.byok.creds.provider: BYOK provider 'anthropic/2' is not in the live "
        "/providers catalogue (orctl's compiled list has it; the API may refuse it)"
    ]
