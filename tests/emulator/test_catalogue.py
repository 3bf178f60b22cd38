"""The seeded model and provider catalogue behind /models and /providers."""

from __future__ import annotations

import httpx
from emulator_support import error, ok

from openrouter_iac.emulator.catalogue import default_catalogue

REQUIRED_MODELS = {
    "anthropic/claude-sonnet-4.6",
    "anthropic/claude-opus-4.1",
    "anthropic/claude-haiku-4.5",
    "openai/gpt-5",
    "openai/gpt-5-mini",
    "openai/gpt-4.1-mini",
    "google/gemini-2.5-pro",
    "google/gemini-2.5-flash",
    "meta-llama/llama-3.3-70b-instruct",
    "mistralai/mistral-large",
    "x-ai/grok-4",
    "deepseek/deepseek-chat",
}
REQUIRED_PROVIDERS = {
    "anthropic", "openai", "google-vertex", "google-ai-studio", "amazon-bedrock", "azure", "together",
    "fireworks", "groq", "deepinfra", "mistral", "xai", "cerebras",
}  # fmt: skip


def test_catalogue_is_large_and_realistic() -> None:
    catalogue = default_catalogue()
    ids = {m["id"] for m in catalogue.models}
    assert ids >= REQUIRED_MODELS
    assert len(catalogue.models) >= 60
    authors = {m["id"].split("/")[0] for m in catalogue.models}
    assert {"anthropic", "openai", "google", "meta-llama", "mistralai", "x-ai", "deepseek", "qwen", "cohere"} <= authors
    assert any(i.endswith(":free") for i in ids)
    assert all(m["canonical_slug"] != m["id"] for m in catalogue.models)
    assert catalogue.provider_slugs >= REQUIRED_PROVIDERS and len(catalogue.providers) >= 30
    served = {p for providers in catalogue.model_providers.values() for p in providers}
    assert served <= catalogue.provider_slugs


def test_models_default_is_text_output_full_list(anon: httpx.Client) -> None:
    everything = ok(anon.get("/models", params={"output_modalities": "all"}))
    text_only = ok(anon.get("/models"))
    assert text_only["links"] == {"next": None}
    assert text_only["total_count"] == len(text_only["data"]) < everything["total_count"]
    assert all("text" in m["architecture"]["output_modalities"] for m in text_only["data"])
    embeddings = ok(anon.get("/models", params={"output_modalities": "embeddings"}))["data"]
    assert embeddings and all(m["architecture"]["output_modalities"] == ["embeddings"] for m in embeddings)


def test_models_paging_and_links(anon: httpx.Client) -> None:
    first = ok(anon.get("/models", params={"limit": 20}))
    assert len(first["data"]) == 20 and first["links"]["next"].startswith("/api/v1/models?")
    assert "offset=20" in first["links"]["next"]
    follow = ok(anon.get(first["links"]["next"].removeprefix("/api/v1")))
    assert follow["data"][0]["id"] != first["data"][0]["id"]
    last = ok(anon.get("/models", params={"offset": first["total_count"] - 1}))
    assert len(last["data"]) == 1 and last["links"]["next"] is None
    error(anon.get("/models", params={"limit": 1001}), 400)
    assert len(ok(anon.get("/models", params={"limit": 1000, "output_modalities": "all"}))["data"]) > 60


def test_models_filters(anon: httpx.Client) -> None:
    groq = ok(anon.get("/models", params={"providers": "groq"}))["data"]
    assert any(m["id"] == "meta-llama/llama-3.3-70b-instruct" for m in groq)
    assert all(not m["id"].startswith("anthropic/") for m in groq)
    authors = ok(anon.get("/models", params={"model_authors": "x-ai"}))["data"]
    assert authors and all(m["id"].startswith("x-ai/") for m in authors)
    assert [m["id"] for m in ok(anon.get("/models", params={"q": "grok 4 fast"}))["data"]] == ["x-ai/grok-4-fast"]
    assert ok(anon.get("/models", params={"q": "no-such-model"}))["data"] == []
    error(anon.get("/models", params={"sort": "random"}), 400)


def test_providers(anon: httpx.Client) -> None:
    providers = ok(anon.get("/providers"))
    assert "total_count" not in providers
    slugs = {p["slug"] for p in providers["data"]}
    assert slugs >= REQUIRED_PROVIDERS
    assert all(p["name"] and "privacy_policy_url" in p for p in providers["data"])
