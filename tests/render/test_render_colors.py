"""When the text plan gets colors."""

from __future__ import annotations

import pytest

from openrouter_iac.render import should_color


@pytest.mark.parametrize(
    ("isatty", "flag", "env", "expected"),
    [
        (True, False, {}, True),
        (False, False, {}, False),
        (True, True, {}, False),
        (True, False, {"NO_COLOR": "1"}, False),
        (True, False, {"NO_COLOR": ""}, True),
        (False, False, {"FORCE_COLOR": "1"}, True),
        (False, False, {"FORCE_COLOR": "true"}, True),
        (False, False, {"FORCE_COLOR": ""}, False),
        (True, False, {"FORCE_COLOR": "0"}, False),
        (True, False, {"FORCE_COLOR": "false"}, False),
        (False, False, {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
        (False, True, {"FORCE_COLOR": "1"}, False),
        (True, False, {"TERM": "dumb"}, False),
        (False, False, {"TERM": "dumb", "FORCE_COLOR": "1"}, True),
        (True, False, {"TERM": "xterm-256color"}, True),
    ],
)
def test_should_color(isatty: bool, flag: bool, env: dict[str, str], expected: bool) -> None:
    assert should_color(isatty, flag, env) is expected
