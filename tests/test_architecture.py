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
LEAVES = {"errors", "suggest", "gc_pause", "__init__"}  # modules anyone may import

ALLOWED: dict[str, set[str]] = {
    "model": set(),
    "kinds": {"model"},  # the table of kinds is declarative: it names models, it does no I/O
    "config": {"kinds", "model", "secrets"},  # secrets: only the pure parsing of references
    "client": set(),
    "secrets": {"model"},
    "plan": {"kinds", "model"},
    "policy": {"kinds", "model", "plan"},
    "render": {"kinds", "model", "plan", "policy"},  # lint findings, SARIF, explanations
    "live": {"client", "kinds", "model", "plan", "secrets"},  # the writer applies one plan change
    "apply": {"kinds", "live", "model", "plan", "secrets"},
    "export": {"kinds", "model"},
    "drift": {"kinds", "model", "plan", "policy", "render"},  # render: markdown syntax, printable text
    "emulator": set(),
}


def _absolute(node: ast.ImportFrom, path: Path) -> str:
    """The module an import names, with a relative one (`from ..plan import x`) made absolute."""
    if not node.level:
        return node.module or ""
    package = path.relative_to(PACKAGE.parent).with_suffix("").parts
    if path.name != "__init__.py":
        package = package[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def imported_modules(path: Path, source: str | None = None) -> set[str]:
    """Every module ``path`` imports, absolute: `from openrouter_iac import cli` counts as
    `openrouter_iac.cli`, and relative imports are resolved."""
    found: set[str] = set()
    text = path.read_text(encoding="utf-8") if source is None else source
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ImportFrom):
            module = _absolute(node, path)
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def imported_packages(path: Path, source: str | None = None) -> set[str]:
    """The orctl packages (and leaf modules) ``path`` imports (``source``: its text, if not on disk)."""
    packages = {m.split(".")[1] for m in imported_modules(path, source) if m.startswith("openrouter_iac.")}
    # `from openrouter_iac import __version__` names a value of the package root, not a package.
    return {p for p in packages if (PACKAGE / p).is_dir() or (PACKAGE / f"{p}.py").exists()}


def test_imports_are_absolute() -> None:
    """The project writes absolute imports only: one spelling per module keeps this test honest."""
    offenders = sorted(
        f"{path.relative_to(PACKAGE)}:{node.lineno}"
        for path in PACKAGE.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and node.level
    )
    assert not offenders, offenders


@pytest.mark.parametrize(
    ("source", "file", "expected"),
    [
        ("from openrouter_iac import cli", "plan/x.py", {"cli"}),
        ("from openrouter_iac import __version__", "plan/x.py", set()),
        ("import openrouter_iac.live.reader", "plan/x.py", {"live"}),
        ("from ..live import reader", "plan/x.py", {"live"}),
        ("from . import builder", "plan/x.py", {"plan"}),
        ("from .. import config", "plan/x.py", {"config"}),
        ("from ...apply import execute", "plan/sub/x.py", {"apply"}),
    ],
)
def test_every_import_spelling_is_seen(source: str, file: str, expected: set[str]) -> None:
    assert imported_packages(PACKAGE / file, source) == expected


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
