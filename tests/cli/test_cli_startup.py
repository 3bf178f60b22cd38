"""Start-up stays cheap: `validate` and `--help` load no client, keyring or emulator code.

Checked through `sys.modules` in a fresh interpreter (timings are benchmarks/bench_startup.py's
job), and the lazily loaded command table is checked against the commands it names.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from openrouter_iac.cli import main
from openrouter_iac.cli.commands import COMMANDS
from openrouter_iac.cli.lazy import load_command

HEAVY = ("httpx", "keyring", "openrouter_iac.emulator", "openrouter_iac.client", "openrouter_iac.live")
CONFIG = "version: 1\nworkspaces:\n  sandbox:\n    name: Sandbox\n    keys:\n      ci:\n        limit: 5\n"


def modules_loaded_by(args: list[str], cwd: Path) -> tuple[str, list[str]]:
    """The output of `orctl ARGS` run in a fresh interpreter, and every module it had imported."""
    probe = (
        "import json, sys\nfrom openrouter_iac.cli import main\n"
        f"try:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=cwd, capture_output=True, text=True, check=True)
    *output, modules = done.stdout.splitlines()
    return "\n".join(output), json.loads(modules)


def test_validate_imports_no_client_keyring_or_emulator(tmp_path: Path) -> None:
    (tmp_path / "orctl.yaml").write_text(CONFIG, encoding="utf-8")
    output, modules = modules_loaded_by(["validate"], tmp_path)
    assert "The config is valid" in output
    assert [m for m in modules if m.startswith(HEAVY)] == []


def test_help_imports_no_command_module(tmp_path: Path) -> None:
    output, modules = modules_loaded_by(["--help"], tmp_path)
    assert all(f"  {name}  " in output or f"  {name} " in output for name in COMMANDS)
    command_modules = {target.partition(":")[0] for target, _ in COMMANDS.values()}
    assert command_modules.isdisjoint(modules)
    assert "pydantic" not in modules
    assert [m for m in modules if m.startswith(HEAVY)] == []


def test_help_lists_every_command_in_table_order() -> None:
    result = CliRunner().invoke(main, ["--help"], terminal_width=200)
    assert result.exit_code == 0
    listed = result.output.split("Commands:\n", 1)[1].split()
    positions = [listed.index(name) for name in COMMANDS]
    assert positions == sorted(positions)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_table_help_is_the_commands_own_first_sentence(name: str) -> None:
    target, help_line = COMMANDS[name]
    command = load_command(target)
    assert command.name == name
    assert help_line == command.get_short_help_str(limit=1000), (
        f"cli/commands.py: the help of {name!r} must be the first sentence of its docstring"
    )


def test_a_lazily_loaded_command_runs_with_its_options(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "orctl.yaml").write_text(CONFIG, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--help"])
    assert result.exit_code == 0 and "--config" in result.output
    result = CliRunner().invoke(main, ["nope"])
    assert result.exit_code == 1 and "No such command 'nope'" in result.output


# What `validate` once imported, or could easily come to import, and never needs: each was a
# measurable part of its start-up. logging, difflib and traceback load when something is logged,
# misspelt or crashes; the json and github problem formats when asked for; importlib.metadata
# only when a pydantic plugin is installed (cli/pydantic_plugins.py); the live snapshot, the
# planner and the renderers with plan and apply.
NOT_FOR_VALIDATE = (
    "logging",
    "difflib",
    "traceback",
    "importlib.metadata",
    "deepdiff",
    "jsonschema",
    "openrouter_iac.model.snapshot",
    "openrouter_iac.render",
    "openrouter_iac.plan",
    "openrouter_iac.policy",
    "openrouter_iac.apply",
    "openrouter_iac.drift",
    "openrouter_iac.export",
)


def test_validate_imports_nothing_it_does_not_need(tmp_path: Path) -> None:
    (tmp_path / "orctl.yaml").write_text(CONFIG, encoding="utf-8")
    _, modules = modules_loaded_by(["validate"], tmp_path)
    assert [m for m in modules if any(m == name or m.startswith(f"{name}.") for name in NOT_FOR_VALIDATE)] == []


def _subclasses(cls: type) -> list[type]:
    return [cls, *(sub for direct in cls.__subclasses__() for sub in _subclasses(direct))]


def test_spec_models_use_python_default_factories() -> None:
    """pydantic tokenizes a builtin factory's text signature (`list`, `dict`) at class build time."""
    import openrouter_iac.model.config  # noqa: F401 - builds every spec model
    from openrouter_iac.model.base import Spec

    builtin = [
        f"{model.__name__}.{name}"
        for model in _subclasses(Spec)
        for name, field in model.model_fields.items()
        if field.default_factory in (list, dict, set, tuple)
    ]
    assert builtin == [], "use model.base.empty_list / empty_dict"
