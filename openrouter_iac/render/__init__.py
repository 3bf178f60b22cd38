"""Renderers of a plan: terminal text, stable JSON, and a pull-request comment in markdown.

All are pure: they take a ``Plan`` and return a string (no trailing newline), never print.
Names load on first use, so `orctl validate` (which renders only its problems) does not import
the plan renderers.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openrouter_iac.render.colors import should_color
    from openrouter_iac.render.json_plan import JSON_FORMAT_VERSION, render_json
    from openrouter_iac.render.markdown import render_markdown
    from openrouter_iac.render.text import render_text
    from openrouter_iac.render.values import SENSITIVE

_HOME = {
    "should_color": "colors",
    "JSON_FORMAT_VERSION": "json_plan",
    "render_json": "json_plan",
    "render_markdown": "markdown",
    "render_text": "text",
    "SENSITIVE": "values",
}

__all__ = ["JSON_FORMAT_VERSION", "SENSITIVE", "render_json", "render_markdown", "render_text", "should_color"]


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
