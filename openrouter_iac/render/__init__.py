"""Renderers of a plan: terminal text, stable JSON, and a pull-request comment in markdown.

All are pure: they take a ``Plan`` and return a string (no trailing newline), never print.
"""

from openrouter_iac.render.colors import should_color
from openrouter_iac.render.json_plan import JSON_FORMAT_VERSION, render_json
from openrouter_iac.render.markdown import render_markdown
from openrouter_iac.render.text import render_text
from openrouter_iac.render.values import SENSITIVE

__all__ = ["JSON_FORMAT_VERSION", "SENSITIVE", "render_json", "render_markdown", "render_text", "should_color"]
