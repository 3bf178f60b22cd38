"""pydantic's plugin discovery is skipped only when it would find nothing (a start-up cost).

The scan is checked on directories laid out like site-packages; the command is run in a fresh
interpreter, once as installed here (no plugin: importlib.metadata is never imported) and once
with a distribution declaring a pydantic plugin on PYTHONPATH (pydantic loads and runs it).
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from importlib.machinery import PathFinder
from pathlib import Path

import pytest

from openrouter_iac.cli.pydantic_plugins import plugins_may_be_installed

CONFIG = "version: 1\nworkspaces:\n  sandbox:\n    name: Sandbox\n    keys:\n      ci:\n        limit: 5\n"

PLUGIN = """import sys


class _Plugin:
    def new_schema_validator(self, schema, schema_type, schema_type_path, schema_kind, config, plugin_settings):
        if schema_type_path.name == "Config":
            print("fake plugin saw Config", file=sys.stderr)
        return None, None, None


plugin = _Plugin()
"""


@pytest.fixture
def only_path_finder(monkeypatch: pytest.MonkeyPatch) -> None:
    """The finders of a plain interpreter: another test may have left a finder of distributions
    on sys.meta_path (importlib_metadata's), which would rightly make the scan give up."""
    plain = [f for f in sys.meta_path if getattr(f, "find_distributions", None) is None or f is PathFinder]
    monkeypatch.setattr(sys, "meta_path", plain)


def dist(root: Path, name: str, entry_points: str | None) -> Path:
    info = root / f"{name}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n", encoding="utf-8")
    if entry_points is not None:
        (info / "entry_points.txt").write_text(entry_points, encoding="utf-8")
    return info


@pytest.mark.usefixtures("only_path_finder")
def test_no_plugin_declared(tmp_path: Path) -> None:
    dist(tmp_path, "plain", None)
    dist(tmp_path, "tool", "[console_scripts]\ntool = tool:main\n")
    (tmp_path / "old.egg-info").write_text("Name: old\n", encoding="utf-8")  # a single-file egg-info
    assert plugins_may_be_installed([str(tmp_path), str(tmp_path / "missing"), ""]) is False


@pytest.mark.usefixtures("only_path_finder")
def test_a_declared_plugin_is_seen(tmp_path: Path) -> None:
    dist(tmp_path, "tool", "[console_scripts]\ntool = tool:main\n\n[pydantic]\nfake = fake:plugin\n")
    assert plugins_may_be_installed([str(tmp_path)]) is True


@pytest.mark.usefixtures("only_path_finder")
def test_what_the_scan_does_not_read_leaves_discovery_to_pydantic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as file:
        file.writestr("fake-1.0.dist-info/entry_points.txt", "[pydantic]\nfake = fake:plugin\n")
    assert plugins_may_be_installed([str(archive)]) is True
    egg = tmp_path / "fake-1.0.egg"
    egg.mkdir()
    assert plugins_may_be_installed([str(egg)]) is True

    class DistributionFinder:  # e.g. importlib_metadata's, or an import hook serving packages
        @staticmethod
        def find_distributions(*args: object) -> list[object]:
            return []

    monkeypatch.setattr(sys, "meta_path", [DistributionFinder, *sys.meta_path])
    assert plugins_may_be_installed([str(tmp_path / "missing")]) is True


def run_validate(cwd: Path, env: dict[str, str]) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    probe = (
        "import sys\nfrom openrouter_iac.cli import main\n"
        "try:\n    main(['validate'])\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sorted(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return done, done.stdout.splitlines()[-1].split()


def test_validate_skips_discovery_when_no_plugin_is_installed(tmp_path: Path) -> None:
    (tmp_path / "orctl.yaml").write_text(CONFIG, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done, modules = run_validate(tmp_path, env)
    assert "The config is valid" in done.stdout
    assert "importlib.metadata" not in modules


def test_an_installed_plugin_still_runs(tmp_path: Path) -> None:
    site = tmp_path / "site"
    dist(site, "fake_plugin", "[pydantic]\nfake = fake_pydantic_plugin:plugin\n")
    (site / "fake_pydantic_plugin.py").write_text(PLUGIN, encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    (work / "orctl.yaml").write_text(CONFIG, encoding="utf-8")
    done, modules = run_validate(work, {**os.environ, "PYTHONPATH": str(site)})
    assert "The config is valid" in done.stdout
    assert "fake plugin saw Config" in done.stderr
    assert "fake_pydantic_plugin" in modules


def test_the_stand_in_answers_what_pydantic_asks_of_its_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    import pydantic.plugin._schema_validator as schema_validator

    from openrouter_iac.cli import pydantic_plugins

    # What pydantic takes from the module the stand-in replaces: get_plugins, and nothing else.
    source = Path(schema_validator.__file__).read_text(encoding="utf-8")
    assert [line.strip() for line in source.splitlines() if "_loader" in line] == ["from ._loader import get_plugins"]
    monkeypatch.delitem(sys.modules, pydantic_plugins._LOADER, raising=False)
    monkeypatch.setattr(pydantic_plugins, "plugins_may_be_installed", lambda: False)
    pydantic_plugins.skip_discovery_when_none_installed()
    stand_in = sys.modules[pydantic_plugins._LOADER]
    assert tuple(stand_in.get_plugins()) == ()
    # Anything else a later pydantic might ask for comes from the real module.
    assert stand_in.PYDANTIC_ENTRY_POINT_GROUP == "pydantic"
    with pytest.raises(AttributeError):
        stand_in.no_such_name  # noqa: B018
    assert getattr(stand_in, "__file__", None) is None  # probing it imports nothing
