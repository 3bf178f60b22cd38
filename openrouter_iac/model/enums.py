"""Closed value sets of the OpenRouter management API, checked before any network call.

They mirror enums of the official OpenAPI spec (tests compare them with the spec when it is
available); values marked [newer] come from a later spec than the saved one and are accepted too.
"""

from __future__ import annotations

from typing import Literal

ResetInterval = Literal["daily", "weekly", "monthly"]
"""Reset of a key limit (00:00 UTC; weeks run Monday to Sunday)."""

BudgetInterval = Literal["lifetime", "monthly", "weekly", "daily"]
"""Budget periods. `lifetime` never resets (the API sends `reset_interval: null` for it)."""

BUDGET_ORDER: tuple[BudgetInterval, ...] = ("lifetime", "monthly", "weekly", "daily")
"""Server rule: caps strictly decrease in this order among the intervals that are set."""

FilterAction = Literal["redact", "block", "flag"]
ScanScope = Literal["user_only", "all_messages"]

DetectorSlug = Literal["email", "phone", "ssn", "credit-card", "ip-address", "person-name", "address", "secrets"]
"""Built-in sensitive-info detectors (`secrets` is [newer])."""

PROMPT_INJECTION_SLUG = "regex-prompt-injection"

DataRegion = Literal["global", "europe", "us"]
"""[newer] data regions: guardrail `allowed_data_regions`, BYOK `declared_region`, destination `regions`."""

RegionInput = Literal["global", "europe", "us", "eu"]
"""[newer] destination `regions` as written: `eu` is the API's alias of `europe` (stored as `europe`)."""

ServerTool = Literal[
    "openrouter:advisor",
    "openrouter:apply_patch",
    "openrouter:bash",
    "openrouter:datetime",
    "openrouter:fusion",
    "openrouter:image_generation",
    "openrouter:experimental__search_models",
    "openrouter:shell",
    "openrouter:subagent",
    "openrouter:tool_search",
    "openrouter:web_fetch",
    "openrouter:web_search",
]
"""[newer] OpenRouter server tools a workspace can disable (`disabled_server_tools`)."""

ProviderSort = Literal["price", "throughput", "latency", "exacto"]

ObservabilityType = Literal[
    "arize",
    "braintrust",
    "clickhouse",
    "datadog",
    "grafana",
    "langfuse",
    "langsmith",
    "newrelic",
    "opik",
    "otel-collector",
    "posthog",
    "ramp",
    "s3",
    "sentry",
    "snowflake",
    "weave",
    "webhook",
]

OBSERVABILITY_REQUIRED_CONFIG: dict[str, tuple[str, ...]] = {
    "arize": ("apiKey", "spaceKey", "modelId"),
    "braintrust": ("apiKey", "projectId"),
    "clickhouse": ("host", "database", "username", "password"),
    "datadog": ("apiKey", "mlApp"),
    "grafana": ("apiKey", "instanceId"),
    "langfuse": ("secretKey", "publicKey"),
    "langsmith": ("apiKey",),
    "newrelic": ("licenseKey",),
    "opik": ("apiKey", "workspace", "projectName"),
    "otel-collector": ("endpoint",),
    "posthog": ("apiKey",),
    "ramp": ("apiKey",),
    "s3": ("bucketName", "accessKeyId", "secretAccessKey"),
    "sentry": ("otlpEndpoint", "dsn"),
    "snowflake": ("account", "token"),
    "weave": ("apiKey", "entity", "project"),
    "webhook": ("url",),
}
"""Config keys each destination type requires (from the management API digest)."""

OBSERVABILITY_SECRET_CONFIG_KEYS = frozenset(
    {"apiKey", "spaceKey", "secretKey", "password", "licenseKey", "secretAccessKey", "dsn", "token"}
)
"""Config keys whose values are secrets: write-only upstream (returned masked), references only here."""

MAX_DESTINATIONS_PER_TYPE = 5

BYOK_PROVIDERS: tuple[str, ...] = (
    "ai21",
    "aion-labs",
    "akashml",
    "alibaba",
    "amazon-bedrock",
    "amazon-bedrock/claude-on-aws",
    "amazon-nova",
    "ambient",
    "anthropic",
    "anthropic/2",
    "arcee-ai",
    "assemblyai",
    "atlas-cloud",
    "avian",
    "azure",
    "baidu",
    "baseten",
    "black-forest-labs",
    "byteplus",
    "cerebras",
    "chutes",
    "cirrascale",
    "clarifai",
    "claude-on-aws",
    "cloudflare",
    "cohere",
    "coreweave",
    "cosine",
    "crusoe",
    "darkbloom",
    "databricks",
    "decart",
    "deepgram",
    "deepinfra",
    "deepseek",
    "dekallm",
    "digitalocean",
    "featherless",
    "fireworks",
    "fish-audio",
    "friendli",
    "gmicloud",
    "google-ai-studio",
    "google-vertex",
    "groq",
    "heygen",
    "inception",
    "inceptron",
    "inferact-vllm",
    "inference-net",
    "infermatic",
    "inflection",
    "io-net",
    "ionstream",
    "krea",
    "liquid",
    "makora",
    "mancer",
    "mara",
    "meta",
    "minimax",
    "mistral",
    "modal",
    "modelrun",
    "modular",
    "moonshotai",
    "morph",
    "near-ai",
    "nebius",
    "nex-agi",
    "nextbit",
    "novita",
    "nvidia",
    "ollama",
    "open-inference",
    "openai",
    "parasail",
    "perceptron",
    "perplexity",
    "phala",
    "poolside",
    "primalabs",
    "primeintellect",
    "quiver",
    "recraft",
    "reka",
    "relace",
    "runway",
    "sail-research",
    "sakana",
    "sakana-ai",
    "sambanova",
    "seed",
    "siliconflow",
    "sourceful",
    "stepfun",
    "streamlake",
    "switchpoint",
    "tencent",
    "tenstorrent",
    "thinkingmachines",
    "together",
    "typesafe",
    "unbiased",
    "upstage",
    "venice",
    "voyageai",
    "wafer",
    "wandb",
    "wandb-legacy",
    "xai",
    "xiaomi",
    "z-ai",
)
"""BYOK provider slugs this orctl version knows: the spec's `BYOKProviderSlug` with the late-2026
changes (`ncompass` removed; `primeintellect`, `ollama`, `voyageai`, `primalabs`... added). The
list changes almost weekly upstream, so it only suggests: `orctl validate` warns about a slug
outside it and `orctl plan` checks the slug against the live `/providers` catalogue."""
