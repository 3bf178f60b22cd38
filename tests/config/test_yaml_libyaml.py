"""libyaml composes a config when it can (config/yaml_source.py); the pure-Python loader composes
it again for any problem. Both must read every file alike: the same values, the same positions
of every value and key, the same written nulls, and the same problems (which are PyYAML's)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from openrouter_iac.config import yaml_source
from openrouter_iac.config.yaml_source import read_yaml

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(p for d in ("examples", "tests") for p in (ROOT / d).rglob("*.y*ml") if p.suffix in (".yaml", ".yml"))

TRICKY = {
    "anchors-and-merge.yaml": "base: &b {limit: 5, disabled: false}\nkeys:\n  a: {<<: *b, limit: 7}\n  b: *b\n",
    "nulls.yaml": "a: null\nb: ~\nc:\nd: [null, ~, '']\n",
    "scalars.yaml": "i: 0x1F\nf: 1e3\nb: yes\nt: 2026-01-01T00:00:00Z\nq: '10'\nk:\n  1: one\n  true: yes\n",
    "unicode.yaml": "name: 'Kunden – Ärzte'\nemoji: \"\\U0001F600\"\nnext: x  # ünïcode comment\n",
    "blocks.yaml": "text: |\n  line one\n  line two\nfolded: >-\n  a\n  b\nlist:\n- a\n- - b\n  - c\n",
    "duplicate.yaml": "a: 1\nb: 2\na: 3\n",
    "empty.yaml": "# only a comment\n",
    "two-documents.yaml": "a: 1\n---\nb: 2\n",
    "syntax.yaml": "a: b: c\n",
    "unclosed.yaml": "a: [1, 2\nb: 3\n",
    "bad-tag.yaml": "a: !custom 1\n",
    "undefined-alias.yaml": "a: *nowhere\n",
    "control-character.yaml": 'a: "x"\x07\n',
}


def _read(path: Path, fast: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, ...]:
    with monkeypatch.context() as patch:
        if not fast:
            patch.setattr(yaml_source, "_FastLoader", None)
        data, source_map, problems = read_yaml(path, path.name)
    return data, source_map.values, source_map.keys, source_map.written_nulls, problems


def test_libyaml_is_used_where_installed() -> None:
    assert (yaml_source._FastLoader is not None) == bool(getattr(yaml, "__with_libyaml__", False))


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_file_of_the_repository_reads_alike(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _read(path, True, monkeypatch) == _read(path, False, monkeypatch)


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_tricky_yaml_reads_alike(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / name
    path.write_text(TRICKY[name], encoding="utf-8")
    assert _read(path, True, monkeypatch) == _read(path, False, monkeypatch)
