"""The seeded model and provider catalogue (``data/catalogue.json``) and slug lookups."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

# Routing variants OpenRouter accepts on any model id (``:free`` exists only where listed).
_ANY_MODEL_VARIANTS = frozenset({"nitro", "floor", "online", "thinking", "extended", "exacto"})


@dataclass(frozen=True)
class Catalogue:
    models: tuple[dict[str, Any], ...]
    providers: tuple[dict[str, Any], ...]
    byok_providers: tuple[str, ...]
    model_providers: dict[str, tuple[str, ...]]  # canonical slug -> provider slugs serving it
    _by_id: dict[str, dict[str, Any]]
    _canonical: dict[str, str]  # lower-case id or canonical slug -> canonical slug
    provider_slugs: frozenset[str]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Catalogue:
        models = tuple(data["models"])
        by_id = {m["id"]: m for m in models}
        canonical: dict[str, str] = {}
        for m in models:
            canonical[m["id"].lower()] = m["canonical_slug"]
            canonical[m["canonical_slug"].lower()] = m["canonical_slug"]
        return cls(
            models=models,
            providers=tuple(data["providers"]),
            byok_providers=tuple(data["byok_providers"]),
            model_providers={k: tuple(v) for k, v in data["model_providers"].items()},
            _by_id=by_id,
            _canonical=canonical,
            provider_slugs=frozenset(p["slug"] for p in data["providers"]),
        )

    def canonical_slug(self, slug: str) -> str | None:
        """The permaslug for a routable id or canonical slug, or None when unknown."""
        key = slug.strip().lower()
        if key in self._canonical:
            return self._canonical[key]
        base, sep, variant = key.rpartition(":")
        if sep and variant in _ANY_MODEL_VARIANTS:
            return self._canonical.get(base)
        return None

    def model(self, model_id: str) -> dict[str, Any] | None:
        return self._by_id.get(model_id)

    def model_for_slug(self, slug: str) -> dict[str, Any] | None:
        """The catalogue entry a slug names (exact id first, then its canonical model)."""
        if slug in self._by_id:
            return self._by_id[slug]
        canonical = self.canonical_slug(slug)
        if canonical is None:
            return None
        return next((m for m in self.models if m["canonical_slug"] == canonical), None)


@lru_cache(maxsize=1)
def default_catalogue() -> Catalogue:
    """The packaged catalogue, parsed once per process (it is immutable)."""
    text = resources.files("openrouter_iac.emulator").joinpath("data/catalogue.json").read_text("utf-8")
    return Catalogue.from_json(json.loads(text))
