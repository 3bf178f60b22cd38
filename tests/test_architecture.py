"""The dependency direction of the package (design/ARCHITECTURE.md), kept by a test.

Each package may import only the packages listed for it (and itself). The emulator imports
nothing from orctl at all: it is written from the spec, so a wrong assumption in the client is
not copied into the fake the client is tested against.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "openrouter_iac"
LEAVES = {"errors", "suggest", "__init__"}  # modules anyone may import

ALLOWED: dict[str, set[str]] = {
    "model": set(),
    "config": {"model", "secrets"},  # secrets: only the pure parsing of references
    "client": set(),
    "secrets": {"model"},
    "plan": {"model"},
    "render": {"model", "plan"},
    "live": {"client", "model", "plan", "secrets"},  # the writer applies one plan change
    "apply": {"live", "model", "plan", "secrets"},
    "emulator": set(),
}


def imported_packages(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "openrouter_iac" and len(parts) > 1:
                found.add(parts[1])
    return found


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_what_it_may(package: str) -> None:
    allowed = ALLOWED[package] | {package} | (set() if package == "emulator" else LEAVES)
    offenders = {
        f"{path.relative_to(PACKAGE)} imports openrouter_iac.{name}"
        for path in (PACKAGE / package).rglob("*.py")
        for name in imported_packages(path)
        if name not in allowed
    }
    assert not offenders, "\n".join(sorted(offenders))


def test_every_package_is_covered() -> None:
    packages = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages - {"cli"} == set(ALLOWED)
