"""Method + path-template routing. Templates (``/keys/{hash}``) also name operations in stats."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from openrouter_iac.emulator.auth import Access

if TYPE_CHECKING:
    from openrouter_iac.emulator.context import Ctx


@dataclass
class Reply:
    status: int
    payload: Any


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    pattern: re.Pattern[str]
    handler: Callable[[Ctx], Reply]
    access: Access

    @property
    def operation(self) -> str:
        return f"{self.method} {self.template}"


@dataclass(frozen=True)
class Match:
    route: Route | None
    params: dict[str, str]
    allowed: tuple[str, ...]  # methods the path supports, for 405 answers


def _compile(template: str) -> re.Pattern[str]:
    parts = []
    for segment in template.strip("/").split("/"):
        if segment.startswith("{") and segment.endswith("}"):
            parts.append(f"(?P<{segment[1:-1]}>[^/]+)")
        else:
            parts.append(re.escape(segment))
    return re.compile("^/" + "/".join(parts) + "$")


class Router:
    def __init__(self) -> None:
        self._routes: list[Route] = []

    def add(
        self, method: str, template: str, handler: Callable[[Ctx], Reply], access: Access = Access.MANAGEMENT
    ) -> None:
        self._routes.append(Route(method, template, _compile(template), handler, access))
        # Literal segments beat parameters: /guardrails/assignments/keys before /guardrails/{id}/...
        self._routes.sort(key=lambda r: (r.template.count("{"), -len(r.template)))

    @property
    def routes(self) -> tuple[Route, ...]:
        return tuple(self._routes)

    def match(self, method: str, path: str) -> Match:
        allowed: list[str] = []
        found: tuple[Route, dict[str, str]] | None = None
        matched_template: str | None = None
        for route in self._routes:
            hit = route.pattern.match(path)
            if hit is None:
                continue
            if matched_template is not None and route.template != matched_template:
                continue  # a less specific template for the same path
            matched_template = route.template
            allowed.append(route.method)
            if route.method == method and found is None:
                found = (route, {k: unquote(v) for k, v in hit.groupdict().items()})
        if found is None:
            return Match(None, {}, tuple(allowed))
        return Match(found[0], found[1], tuple(allowed))
