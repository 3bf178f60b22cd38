"""Good input: every example under `examples/` loads, merges, keeps positions and round-trips."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from openrouter_iac.config.loader import LoadedConfig, load_config
from openrouter_iac.config.yaml_source import Position
from openrouter_iac.model.config import Config

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
SCHEMA = REPO / "schemas" / "orctl.schema.json"
NOT_CONFIGS = EXAMPLES / "github-actions"
"""GitHub workflows, not orctl configs (tests/review_cli/test_workflows.py checks them)."""
MODELINE = "# yaml-language-server: $schema="


def _yaml_files(directory: Path) -> list[Path]:
    if directory == NOT_CONFIGS:
        return []
    return sorted(p for p in directory.iterdir() if p.is_file() and p.suffix in (".yaml", ".yml"))


def discover() -> list[Path]:
    """Config locations: each top-level YAML file, and each directory holding YAML files."""
    found = [p for p in EXAMPLES.iterdir() if p.is_file() and p.suffix in (".yaml", ".yml")]
    found += [d for d in EXAMPLES.rglob("*") if d.is_dir() and _yaml_files(d)]
    return sorted(found)


LOCATIONS = discover()
EXAMPLE_FILES = sorted(
    p for p in EXAMPLES.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml") and NOT_CONFIGS not in p.parents
)


@pytest.fixture(autouse=True)
def at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def test_discovery_finds_the_known_examples() -> None:
    assert {p.relative_to(REPO).as_posix() for p in LOCATIONS} >= {"examples/minimal", "examples/agency"}
    assert len(EXAMPLE_FILES) >= 5


@pytest.mark.parametrize("location", LOCATIONS, ids=lambda p: p.relative_to(REPO).as_posix())
def test_example_is_valid(location: Path) -> None:
    loaded = load_config(location)
    assert loaded.config.version == 1
    assert loaded.config.workspaces
    assert loaded.files == tuple(_yaml_files(location) if location.is_dir() else [location])


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_example_file_starts_with_the_schema_modeline(example: Path) -> None:
    first = example.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith(MODELINE), f"{example}: the first line must be `{MODELINE}<path to the schema>`"
    target = (example.parent / first.removeprefix(MODELINE).strip()).resolve()
    assert target == SCHEMA.resolve(), f"{example}: the modeline points at {target}, not at {SCHEMA}"


def test_agency_directory_merges_its_files_in_name_order() -> None:
    loaded = load_config(Path("examples/agency"))
    assert [p.name for p in loaded.files] == [
        "00-account.yaml",
        "10-healthcare.yaml",
        "20-consumer-comedy.yaml",
        "30-b2b-saas.yaml",
    ]
    config = loaded.config
    assert list(config.workspaces) == ["healthcare", "consumer-comedy", "b2b-saas"]
    # Account-wide settings from the first file apply to workspaces declared in the others.
    assert config.safety.protect == ["workspace:healthcare"]
    assert set(config.secret_sinks) == {"ci-files", "ci-env"}
    assert config.workspaces["healthcare"].keys["intake-summarizer"].secret_sink == "ci-files"
    assert config.workspaces["consumer-comedy"].keys["joke-writer"].secret_sink == "ci-env"
    assert config.organization is not None and config.organization.filtered_model_catalog is True
    # Shorthands and parsing survive the merge.
    zdr = config.workspaces["healthcare"].default_guardrail
    assert zdr is not None and zdr.zdr is not None and zdr.zdr.other is True
    expires = config.workspaces["b2b-saas"].keys["nightly-seo-audit"].expires_at
    assert expires is not None and expires.isoformat() == "2027-06-30T00:00:00+00:00"


def test_a_workspace_may_be_split_across_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.yaml").write_text("version: 1\nworkspaces:\n  ops:\n    name: Ops\n    budgets: {monthly: 9}\n")
    (tmp_path / "b.yaml").write_text("version: 1\nworkspaces:\n  ops:\n    keys:\n      bot: {limit: 1}\n")
    monkeypatch.chdir(tmp_path)
    loaded = load_config(Path("."))
    workspace = loaded.config.workspaces["ops"]
    assert workspace.name == "Ops" and workspace.keys["bot"].limit == 1
    assert loaded.position(("workspaces", "ops")) == Position("a.yaml", 3, 3)
    assert loaded.position(("workspaces", "ops", "keys", "bot")) == Position("b.yaml", 5, 7)


def test_positions_are_kept_per_file() -> None:
    loaded = load_config(Path("examples/agency"))
    healthcare = "examples/agency/10-healthcare.yaml"
    assert loaded.position(("workspaces", "healthcare", "keys", "intake-summarizer")) == Position(healthcare, 28, 7)
    assert loaded.position(("workspaces", "healthcare", "keys", "intake-summarizer", "limit")) == Position(
        healthcare, 30, 9
    )
    assert loaded.position(("workspaces", "healthcare", "presets", "intake-summarizer")) == Position(healthcare, 36, 7)
    # Inside a list: the item itself.
    assert loaded.position(("workspaces", "healthcare", "byok", "bedrock-enterprise", "allowed_keys", 0)) == Position(
        healthcare, 47, 24
    )
    assert loaded.position(("workspaces", "b2b-saas")) == Position("examples/agency/30-b2b-saas.yaml", 6, 3)
    assert loaded.position(("secret_sinks", "ci-env")) == Position("examples/agency/00-account.yaml", 20, 3)
    # The raw map keeps value positions too.
    assert loaded.source_map.value_position(("workspaces", "healthcare", "keys", "intake-summarizer", "limit")) == (
        Position(healthcare, 30, 16)
    )


def _dump(config: Config) -> dict[str, Any]:
    dumped: dict[str, Any] = config.model_dump(mode="json", exclude_defaults=True)
    return dumped


@pytest.mark.parametrize("location", LOCATIONS, ids=lambda p: p.relative_to(REPO).as_posix())
def test_config_dumps_to_yaml_and_reloads_equal(location: Path, tmp_path: Path) -> None:
    original: LoadedConfig = load_config(location)
    dumped = _dump(original.config)
    target = tmp_path / "orctl.yaml"
    target.write_text(yaml.safe_dump(dumped, sort_keys=False, allow_unicode=True), encoding="utf-8")
    reloaded = load_config(target)
    assert reloaded.config == original.config
    assert _dump(reloaded.config) == dumped
    # What `orctl export` will write is also what an editor accepts.
    schema = jsonschema.Draft7Validator(yaml.safe_load(SCHEMA.read_text(encoding="utf-8")))
    assert [e.message for e in schema.iter_errors(dumped)] == []


def test_dump_leaves_defaults_out() -> None:
    dumped = _dump(load_config(Path("examples/minimal")).config)
    assert "ownership" not in dumped and "safety" not in dumped
    key = dumped["workspaces"]["sandbox"]["keys"]["docs-summarizer"]
    assert key == {
        "limit": 5.0,
        "limit_reset": "monthly",
        "expires_at": "2027-09-30T00:00:00Z",
        "secret_sink": "local-files",
        "behavior": "Summarises internal docs nightly.",
    }
