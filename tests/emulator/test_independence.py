"""The emulator imports nothing from the rest of openrouter_iac (it is written from the spec)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import openrouter_iac.emulator

PACKAGE_DIR = Path(openrouter_iac.emulator.__file__).parent


def _imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                names.append("." * node.level + (node.module or ""))
            else:
                names.append(node.module or "")
    return names


def test_no_source_file_imports_outside_the_emulator() -> None:
    offenders = []
    files = sorted(PACKAGE_DIR.rglob("*.py"))
    assert len(files) > 10
    for path in files:
        for module in _imported_modules(path):
            if module.startswith("."):
                offenders.append(f"{path.name}: relative import {module}")
            elif module.startswith("openrouter_iac") and not module.startswith("openrouter_iac.emulator"):
                offenders.append(f"{path.name}: {module}")
    assert offenders == []


def test_importing_every_emulator_module_loads_no_other_orctl_module() -> None:
    modules = sorted(
        "openrouter_iac.emulator." + ".".join(p.relative_to(PACKAGE_DIR).with_suffix("").parts)
        for p in PACKAGE_DIR.rglob("*.py")
        if p.name not in ("__init__.py", "__main__.py")
    )
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "leaked = sorted(m for m in sys.modules if m.startswith('openrouter_iac') and m != 'openrouter_iac'"
        " and not m.startswith('openrouter_iac.emulator'))\n"
        "print(','.join(leaked))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
