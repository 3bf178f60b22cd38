"""Public catalogues: ``GET /models`` and ``GET /providers`` (no key needed)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from openrouter_iac.emulator.auth import Access
from openrouter_iac.emulator.context import Ctx
from openrouter_iac.emulator.router import Reply, Router

MODELS_DEFAULT_LIMIT = 500
MODELS_MAX_LIMIT = 1000
CATEGORIES = (
    "programming",
    "roleplay",
    "marketing",
    "marketing/seo",
    "technology",
    "science",
    "translation",
    "legal",
    "finance",
    "health",
    "trivia",
    "academia",
)
SORTS = (
    "most-popular",
    "newest",
    "top-weekly",
    "pricing-low-to-high",
    "pricing-high-to-low",
    "context-high-to-low",
    "throughput-high-to-low",
    "latency-low-to-high",
    "intelligence-high-to-low",
    "coding-high-to-low",
    "agentic-high-to-low",
    "design-arena-elo-high-to-low",
)
# Accepted and type-checked, but the emulated catalogue carries no data to filter them on.
_IGNORED_NUMBERS = {
    "min_price": None,
    "max_price": None,
    "min_output_price": None,
    "max_output_price": None,
    "min_intelligence_index": None,
    "max_intelligence_index": None,
    "min_coding_index": None,
    "max_coding_index": None,
    "min_agentic_index": None,
    "max_agentic_index": None,
    "min_tool_success_rate": 1.0,
    "max_tool_success_rate": 1.0,
}


def _filtered(ctx: Ctx) -> list[dict[str, Any]]:
    q = ctx.query
    q.choice("category", CATEGORIES)
    q.choice("distillable", ("true", "false"))
    q.choice("zdr", ("true",))
    q.choice("region", ("eu", "us"))
    for name, maximum in _IGNORED_NUMBERS.items():
        q.number(name, minimum=0, maximum=maximum)
    q.integer("min_age_days", default=None, minimum=0, nullable=True)
    q.integer("max_age_days", default=None, minimum=0, nullable=True)
    sort = q.choice("sort", SORTS)
    min_context = q.integer("context", default=None, minimum=1)
    outputs = q.csv("output_modalities") or ["text"]
    inputs = q.csv("input_modalities")
    authors = q.csv("model_authors")
    providers = q.csv("providers")
    params = q.csv("supported_parameters")
    text = (q.text("q") or "").strip().lower()

    out = []
    for model in ctx.catalogue.models:
        arch = model["architecture"]
        if "all" not in outputs and not set(outputs) & set(arch["output_modalities"]):
            continue
        if inputs and not set(inputs) <= set(arch["input_modalities"]):
            continue
        if authors and model["id"].split("/", 1)[0] not in authors:
            continue
        if providers and not set(providers) & set(ctx.catalogue.model_providers.get(model["canonical_slug"], ())):
            continue
        if params and not set(params) <= set(model["supported_parameters"]):
            continue
        if min_context and (model["context_length"] or 0) < min_context:
            continue
        if text and text not in model["id"].lower() and text not in model["name"].lower():
            continue
        out.append(model)
    if sort in (None, "newest", "most-popular", "top-weekly"):
        out.sort(key=lambda m: m["created"], reverse=True)
    elif sort == "pricing-low-to-high":
        out.sort(key=lambda m: float(m["pricing"]["prompt"]))
    elif sort == "pricing-high-to-low":
        out.sort(key=lambda m: float(m["pricing"]["prompt"]), reverse=True)
    elif sort == "context-high-to-low":
        out.sort(key=lambda m: m["context_length"] or 0, reverse=True)
    return out


def list_models(ctx: Ctx) -> Reply:
    models = _filtered(ctx)
    total = len(models)
    paged = ctx.query.present("offset") or ctx.query.present("limit")
    if not paged:
        # Neither offset nor limit: the full list, as upstream.
        return Reply(200, {"data": models, "links": {"next": None}, "total_count": total})
    offset = ctx.query.offset()
    limit = ctx.query.limit(default=MODELS_DEFAULT_LIMIT, maximum=MODELS_MAX_LIMIT)
    next_link = None
    if offset + limit < total:
        params = ctx.query.first_values()
        params.update({"offset": str(offset + limit), "limit": str(limit)})
        next_link = "/api/v1/models?" + urlencode(params)
    return Reply(200, {"data": models[offset : offset + limit], "links": {"next": next_link}, "total_count": total})


def list_providers(ctx: Ctx) -> Reply:
    return Reply(200, {"data": list(ctx.catalogue.providers)})


def register(router: Router) -> None:
    router.add("GET", "/models", list_models, Access.PUBLIC)
    router.add("GET", "/providers", list_providers, Access.PUBLIC)
