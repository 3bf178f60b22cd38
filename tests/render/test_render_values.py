"""Value notation and markdown building blocks shared by the renderers."""

from __future__ import annotations

import pytest
from render_support import every_change

from openrouter_iac.plan.model import LAYER
from openrouter_iac.render import markdown_syntax as md
from openrouter_iac.render.values import format_money, format_value, set_difference


def test_fixture_covers_every_kind_and_action() -> None:
    changes = every_change()
    assert {c.kind for c in changes} == set(LAYER)
    assert {c.action for c in changes} == {"create", "update", "replace", "delete"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "null"),
        (True, "true"),
        (50.0, "50"),
        (0.25, "0.25"),
        ("", '""'),
        ("null", '"null"'),
        (["a", 1], '["a", 1]'),
        ({"limit_usd": 5, "odd key": None}, '{limit_usd: 5, "odd key": null}'),
    ],
)
def test_format_value(value: object, expected: str) -> None:
    assert format_value(value) == expected


@pytest.mark.parametrize(("value", "expected"), [(50, "$50"), (12.5, "$12.50"), (0.005, "$0.005"), (1500.0, "$1,500")])
def test_format_money(value: float, expected: str) -> None:
    assert format_money(value) == expected


def test_set_difference_handles_dicts_and_duplicates() -> None:
    added, removed = set_difference([{"a": 1, "b": 2}, "x"], [{"b": 2, "a": 1}, "y", "y"])
    assert (added, removed) == (["y"], ["x"])


def test_markdown_code_and_escape() -> None:
    assert md.code("a`b") == "``a`b``"
    assert md.code("`x") == "`` `x ``"
    assert md.code("a|b", in_table=True) == "`a\\|b`"
    assert md.escape("a|b `c` *d*\nnext") == "a\\|b \\`c\\` \\*d\\* next"
    assert md.fenced("has ``` inside", "diff") == "````diff\nhas ``` inside\n````"
    assert md.details("<b> & co", "body") == "<details><summary>&lt;b&gt; &amp; co</summary>\n\nbody\n\n</details>"
