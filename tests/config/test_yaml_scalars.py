"""The reader takes a plain decimal int (and a string) without PyYAML's constructor: every scalar
still reads as PyYAML's SafeLoader (timestamps aside, which stay text) would read it."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from openrouter_iac.config import yaml_source
from openrouter_iac.config.yaml_source import read_yaml

INTS = st.one_of(
    st.from_regex(r"\A[-+]?(0|[1-9][0-9_]{0,12})\Z"),
    st.from_regex(r"\A0[0-7][0-7_]{0,5}\Z"),
    st.from_regex(r"\A0x[0-9a-fA-F][0-9a-fA-F_]{0,5}\Z"),
    st.from_regex(r"\A0b[01][01_]{0,7}\Z"),
    st.from_regex(r"\A[1-9][0-9]?(:[0-5]?[0-9]){1,2}\Z"),
    st.from_regex(r"\A[0-9]{1,8}\Z"),
    st.sampled_from(["0", "00", "007", "08", "09", "1e3", "1.5", ".inf", "yes", "~", "", "١٢"]),
)


def read(document: str, fast: bool) -> tuple[Any, list[Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scalars.yaml"
        path.write_text(document, encoding="utf-8")
        saved = yaml_source._FastLoader
        yaml_source._FastLoader = saved if fast else None
        try:
            data, _, problems = read_yaml(path, "scalars.yaml")
        finally:
            yaml_source._FastLoader = saved
    return data, problems


@settings(max_examples=200, deadline=None)
@given(st.lists(INTS, min_size=1, max_size=8), st.booleans())
def test_scalars_read_as_pyyaml_reads_them(texts: list[str], fast: bool) -> None:
    document = "".join(f"k{index}: {text}\n" for index, text in enumerate(texts))
    data, problems = read(document, fast)
    expected: Any = yaml.load(document, Loader=yaml_source._Loader)
    assert problems == []
    assert data == expected
    assert [type(v) for v in data.values()] == [type(v) for v in expected.values()]


def test_a_number_pyyaml_cannot_read_is_one_problem_at_its_place() -> None:
    for fast in (True, False):
        data, problems = read("a:\n  b: 0x_\n", fast)
        assert data is None
        assert [(p.position.line, p.position.column, p.message) for p in problems] == [
            (2, 6, "YAML: '0x_' looks like a number but is not one; quote it if it is text")
        ]
