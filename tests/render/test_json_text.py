"""render/json_text.py writes what ``json.dumps(value, indent=2, ensure_ascii=False, default=str)``
writes, byte for byte, for any JSON-like value (and the odd values a plan might hold)."""

from __future__ import annotations

import enum
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openrouter_iac.model.address import Address
from openrouter_iac.render.json_text import dumps_indented


class Color(enum.StrEnum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


def reference(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
    | st.sampled_from([Color.RED, Level.HIGH, Address.of("api_key", "ws", "k"), datetime(2026, 1, 1, tzinfo=UTC)])
)
keys = st.text() | st.integers() | st.floats() | st.booleans() | st.none()
documents = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.lists(inner, max_size=3).map(tuple) | st.dictionaries(keys, inner, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(documents)
def test_the_same_text_as_json_dumps(value: Any) -> None:
    assert dumps_indented(value) == reference(value)


@pytest.mark.parametrize(
    "value",
    [{}, [], {"a": []}, {"a": {}}, [[]], "é ✓ \u2028 \x00", {"nested": [{"x": [1, 2.5, None]}, {}]}, 1e300, -0.0],
)
def test_edge_values(value: Any) -> None:
    assert dumps_indented(value) == reference(value)


def test_a_key_json_refuses_is_refused() -> None:
    with pytest.raises(TypeError, match="keys must be str"):
        dumps_indented({(1, 2): "x"})
    with pytest.raises(TypeError, match="keys must be str"):
        reference({(1, 2): "x"})
