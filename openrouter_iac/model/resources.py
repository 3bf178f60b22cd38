"""One spec model per resource kind. The same models describe the desired state (from YAML) and
the live state (from the API), so the diff compares like with like.

Fields a resource only has in config (where a secret goes, which key publishes a preset, the
behaviour a key serves, previous names) are listed in ``CONFIG_ONLY`` and never diffed. Everything
else the pipeline needs to know about a field (immutable, set-like, write-only...) is a trait on
the field itself (:mod:`openrouter_iac.model.traits`).
"""

# No `from __future__ import annotations` in the model modules: pydantic then reads the annotations
# as objects instead of compiling each string (part of `orctl validate`'s start-up budget).

import itertools
from datetime import datetime, timedelta
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from openrouter_iac.model.base import Spec, empty_dict, empty_list
from openrouter_iac.model.durations import Duration
from openrouter_iac.model.enums import (
    BUDGET_ORDER,
    BudgetInterval,
    DataRegion,
    DetectorSlug,
    FilterAction,
    ObservabilityType,
    ProviderSort,
    RegionInput,
    ResetInterval,
    ScanScope,
    ServerTool,
)
from openrouter_iac.model.traits import (
    IMMUTABLE,
    MODEL_SLUGS,
    NESTED,
    NEWER,
    NOT_CLEARABLE,
    NULL_LIFTS,
    RESENDS_SECRET,
    SERVER_COMPUTED,
    SET_LIKE,
    WIRE,
    WRITE_ONLY,
    Nested,
    Wire,
)

Mode = Literal["manage", "observe"]
"""`manage` (the default) writes changes; `observe` reads, plans and reports, never writes."""


class Budgets(Spec):
    """Workspace spending caps in USD per period. Strictly lifetime > monthly > weekly > daily."""

    lifetime: float | None = Field(None, gt=0)
    """Cap over the whole life of the workspace (never resets)."""
    monthly: float | None = Field(None, gt=0)
    """Cap per calendar month (UTC)."""
    weekly: float | None = Field(None, gt=0)
    """Cap per week, Monday to Sunday (UTC)."""
    daily: float | None = Field(None, gt=0)
    """Cap per day (UTC)."""

    @model_validator(mode="after")
    def _strictly_ordered(self) -> "Budgets":
        set_caps = [(name, getattr(self, name)) for name in BUDGET_ORDER if getattr(self, name) is not None]
        for (wider, wider_cap), (narrower, narrower_cap) in itertools.pairwise(set_caps):
            if not wider_cap > narrower_cap:
                raise ValueError(
                    f"budgets must be strictly ordered lifetime > monthly > weekly > daily; "
                    f"{wider} ({wider_cap:g}) is not greater than {narrower} ({narrower_cap:g})"
                )
        return self

    def as_dict(self) -> dict[BudgetInterval, float]:
        """The intervals that are set, widest first."""
        return {name: cap for name in BUDGET_ORDER if (cap := getattr(self, name)) is not None}


class GuardrailBudget(Spec):
    """A guardrail's spending cap. The API needs the cap and its reset together."""

    limit_usd: float = Field(gt=0)
    """Cap in USD."""
    reset: BudgetInterval
    """When the cap resets: daily, weekly, monthly, or lifetime (never)."""


class ZeroDataRetention(Spec):
    """Zero-data-retention enforcement per provider group (`true` forces ZDR endpoints only)."""

    anthropic: bool | None = None
    """Enforce ZDR for Anthropic models."""
    openai: bool | None = None
    """Enforce ZDR for OpenAI models."""
    google: bool | None = None
    """Enforce ZDR for Google models."""
    xai: bool | None = None
    """Enforce ZDR for xAI models."""
    other: bool | None = None
    """Enforce ZDR for every other provider."""


class ContentFilter(Spec):
    """A custom regex filter applied to request messages."""

    pattern: str = Field(min_length=1, max_length=100_000)
    """JavaScript-style regex. No lookaround, backreferences or nested quantifiers (the API rejects them)."""
    action: FilterAction
    """What to do on a match: redact, block or flag (detect only)."""
    label: str | None = Field(None, max_length=100)
    """Replacement text when redacting, e.g. `[MRN]`."""


class PromptInjection(Spec):
    """The built-in prompt-injection detector."""

    action: FilterAction
    """What to do on detection: block, redact or flag."""
    scope: ScanScope = "all_messages"
    """Which messages are scanned: user_only or all_messages."""


class GuardrailPolicy(Spec):
    """The policy fields shared by named guardrails and the workspace default guardrail."""

    CONFIG_ONLY: ClassVar[frozenset[str]] = frozenset()

    description: Annotated[str | None, WIRE] = Field(None, max_length=1000)
    """Free text shown in the OpenRouter dashboard."""
    budget: GuardrailBudget | None = None
    """Spending cap for everything the guardrail applies to (checked per key and per member)."""
    include_byok_in_budgets: Annotated[bool, WIRE] = False
    """Count BYOK usage against the budget."""
    allowed_models: Annotated[list[str] | None, SET_LIKE, MODEL_SLUGS, NULL_LIFTS, WIRE] = Field(None, min_length=1)
    """Only these models (slug or canonical slug); absent = all."""
    ignored_models: Annotated[list[str] | None, SET_LIKE, MODEL_SLUGS, NULL_LIFTS, WIRE] = Field(None, min_length=1)
    """Never these models."""
    allowed_providers: Annotated[list[str] | None, SET_LIKE, NULL_LIFTS, WIRE] = Field(None, min_length=1)
    """Only these providers (provider slugs as served by /providers); absent = all."""
    ignored_providers: Annotated[list[str] | None, SET_LIKE, NULL_LIFTS, WIRE] = Field(None, min_length=1)
    """Never these providers."""
    allowed_data_regions: Annotated[list[DataRegion] | None, SET_LIKE, NULL_LIFTS, NEWER] = Field(None, min_length=1)
    """Only requests arriving through these regions (`global` openrouter.ai, `europe`
    eu.openrouter.ai, `us` us.openrouter.ai); `null` lifts the restriction."""
    enforce_first_party_harness_models: Annotated[bool | None, NEWER] = None
    """Enforce first-party harness models (the API's flag of that name; `null` leaves it unset)."""
    zdr: ZeroDataRetention | None = None
    """Zero data retention per provider group; `zdr: true` enforces it for all five."""
    enable_free_model_publication: Annotated[bool | None, WIRE] = None
    """Allow free endpoints that publish prompts."""
    enable_free_model_training: Annotated[bool | None, WIRE] = None
    """Allow free endpoints that train on request data."""
    enable_paid_model_training: Annotated[bool | None, WIRE] = None
    """Allow paid endpoints that train on request data."""
    content_filters: Annotated[list[ContentFilter] | None, SET_LIKE] = None
    """Custom regex filters."""
    sensitive_info: dict[DetectorSlug, FilterAction] | None = None
    """Built-in detectors and their action, e.g. `{email: redact, ssn: block}`."""
    prompt_injection: PromptInjection | None = None
    """The built-in prompt-injection detector."""

    @field_validator("zdr", mode="before")
    @classmethod
    def _zdr_shorthand(cls, value: Any) -> Any:
        # `zdr: true` is the common case: every provider group.
        if isinstance(value, bool):
            return {group: value for group in ("anthropic", "openai", "google", "xai", "other")}
        return value


class Guardrail(GuardrailPolicy):
    """A named guardrail inside a workspace; keys opt in with `guardrail: <name>`."""

    CONFIG_ONLY: ClassVar[frozenset[str]] = frozenset({"previous_names", "id"})

    id: str | None = None
    """Live id this guardrail is pinned to, matched before the name
    (`orctl export` writes it where live names collide)."""
    members: Annotated[list[str] | None, SET_LIKE] = None
    """Organization member user ids assigned to this guardrail (absent = not managed)."""
    previous_names: list[str] = Field(default_factory=empty_list)
    """Earlier names of this guardrail, so a rename is an update, not a delete and create."""


class ApiKey(Spec):
    """An inference API key: one per autonomous behaviour, each with its own cap."""

    CONFIG_ONLY: ClassVar[frozenset[str]] = frozenset(
        {"secret_sink", "behavior", "previous_names", "id", "rotation_overlap"}
    )

    id: str | None = None
    """Live key hash this key is pinned to, matched before the name
    (`orctl export` writes it where live names collide)."""

    limit: Annotated[float | None, WIRE] = Field(None, ge=0)
    """Credit cap in USD; absent = no cap."""
    limit_reset: Annotated[ResetInterval | None, WIRE] = None
    """When the cap resets: daily, weekly or monthly (00:00 UTC); absent = never."""
    include_byok_in_limit: Annotated[bool, WIRE] = False
    """Count BYOK usage against the cap."""
    disabled: Annotated[bool, Wire(on_create=False)] = False
    """A disabled key is refused by OpenRouter but kept."""
    expires_at: Annotated[datetime | None, IMMUTABLE, Wire(send="set_or_changed")] = None
    """Expiry in UTC (e.g. `2027-06-30T00:00:00Z`). Immutable: changing it rotates the key."""
    guardrail: str | None = None
    """Name of the guardrail of this workspace the key is assigned to (a key holds at most one)."""
    secret_sink: str | None = None
    """Name of the entry of `secret_sinks` that receives the secret when the key is created."""
    behavior: str | None = None
    """The autonomous behaviour this key serves (documentation, and for lint rules)."""
    previous_names: list[str] = Field(default_factory=empty_list)
    """Earlier names of this key (`name`, or `workspace/name` when the key moves workspace)."""
    last_used_at: Annotated[datetime | None, SERVER_COMPUTED, WIRE] = Field(None, exclude=True)
    """When the key was last used (read from the API, never written or compared)."""
    external_user: Annotated[str | None, SERVER_COMPUTED, WIRE] = Field(None, exclude=True)
    """The partner's end-user id the key is attributed to (read from the API, never written or compared)."""
    rotation_overlap: Duration | None = None
    """On a rotation, how long the old key stays enabled beside the new one (e.g. `24h`, `7d`), so
    consumers can pick up the new secret; absent: `safety.rotation_overlap`, else none."""

    @field_validator("expires_at")
    @classmethod
    def _utc_only(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        if value.utcoffset() != timedelta(0):
            raise ValueError("expires_at must be in UTC (end it with Z or +00:00); the API rejects other zones")
        return value

    @field_validator("guardrail", mode="before")
    @classmethod
    def _one_guardrail(cls, value: Any) -> Any:
        if isinstance(value, list):
            names = ", ".join(str(v) for v in value)
            raise ValueError(
                f"a key holds at most one guardrail (assigning another moves it); got {len(value)}: {names}"
            )
        return value


class Preset(Spec):
    """A versioned bundle of model, system prompt, parameters and provider routing."""

    CONFIG_ONLY: ClassVar[frozenset[str]] = frozenset({"publish_with", "id"})

    id: str | None = None
    """Live id this preset is pinned to, matched before the name
    (`orctl export` writes it where live names collide)."""

    model: str | None = None
    """Model slug, e.g. `anthropic/claude-sonnet-4.6`."""
    models: list[str] | None = None
    """Fallback models, in order."""
    system_prompt: str | None = None
    """System prompt stored with the preset version."""
    parameters: Annotated[dict[str, Any], NESTED] = Field(default_factory=empty_dict)
    """Sampling parameters, e.g. `{temperature: 0.2, max_tokens: 800}`."""
    provider: Annotated[dict[str, Any] | None, Nested("nested", set_like=frozenset({"only", "ignore"}))] = None
    """Provider routing, e.g. `{order: [amazon-bedrock], allow_fallbacks: false}`."""
    publish_with: str | None = None
    """Name of a key of this workspace whose secret (read from its sink) publishes new versions."""

    def content(self) -> dict[str, Any]:
        """The canonical content of a version: what decides whether a new version is needed."""
        config: dict[str, Any] = dict(self.parameters)
        for key in ("model", "models", "provider"):
            value = getattr(self, key)
            if value is not None:
                config[key] = value
        return {"system_prompt": self.system_prompt, "config": config}


class ByokKey(Spec):
    """A bring-your-own-key provider credential."""

    CONFIG_ONLY: ClassVar[frozenset[str]] = frozenset({"key", "rotation", "previous_names", "id"})

    id: str | None = None
    """Live id this credential is pinned to, matched before the name
    (`orctl export` writes it where live names collide)."""

    provider: Annotated[str, IMMUTABLE, WIRE]
    """BYOK provider slug, e.g. `amazon-bedrock`, `openai`, `azure`."""
    key: Annotated[str | None, WRITE_ONLY] = None
    """Reference to the provider credential: `env:NAME`, `keyring:SERVICE/NAME` or `file:PATH`."""
    rotation: Annotated[str | None, RESENDS_SECRET] = None
    """Change this marker (any text, e.g. a date) to send the credential again."""
    fallback: Annotated[bool, Wire("is_fallback")] = False
    """Use this credential only as a fallback after OpenRouter's own."""
    required: Annotated[bool, Wire("is_required", send="set_or_changed")] = False
    """Requests for its models (`allowed_models`, or all) run only on your keys for this provider:
    OpenRouter's shared endpoints are removed for them (the API's `is_required`)."""
    byok_only: Annotated[bool, Wire("is_byok_only", send="set_or_changed")] = False
    """OpenRouter's shared endpoints on this provider are removed for every model, even after all
    your keys fail (the API's `is_byok_only`). Not with `fallback`."""
    declared_zdr: Annotated[bool | None, NEWER] = None
    """Your declaration that the provider account behind it retains no data (`true`), does
    (`false`), or `null`: OpenRouter's policy for the endpoint. Self-declared, not verified."""
    declared_region: Annotated[DataRegion | None, Wire(send="changed")] = None
    """The data region the provider account processes requests in (`global`, `europe`, `us`);
    `null` = undeclared. For openai and fireworks it must match the key's region (absent: taken
    from the key); among other providers only azure accepts `europe` or `us`."""
    disabled: Annotated[bool, WIRE] = False
    """Keep the credential but stop using it."""
    allowed_models: Annotated[list[str] | None, SET_LIKE, MODEL_SLUGS, NULL_LIFTS, WIRE] = None
    """Only these models may use this credential."""
    allowed_keys: Annotated[list[str] | None, SET_LIKE, NULL_LIFTS] = None
    """Names of keys of this workspace that may use it (absent = all)."""
    allowed_user_ids: Annotated[list[str] | None, SET_LIKE, NULL_LIFTS, WIRE] = None
    """Organization member user ids that may use it (absent = all)."""
    previous_names: list[str] = Field(default_factory=empty_list)
    """Earlier names of this credential."""

    @model_validator(mode="after")
    def _byok_only_not_fallback(self) -> "ByokKey":
        if self.byok_only and self.fallback:
            raise ValueError(
                "byok_only cannot be combined with fallback (the API takes byok_only only on a "
                "non-fallback credential); set one of them to false"
            )
        return self


class ObservabilityDestination(Spec):
    """A broadcast destination that receives traces of requests."""

    CONFIG_ONLY: ClassVar[frozenset[str]] = frozenset({"rotation", "previous_names", "id"})

    id: str | None = None
    """Live id this destination is pinned to, matched before the name
    (`orctl export` writes it where live names collide)."""

    type: Annotated[ObservabilityType, IMMUTABLE, WIRE]
    """Destination type, e.g. `webhook`, `langfuse`, `datadog`."""
    config: Annotated[dict[str, Any], NESTED]
    """Type-specific settings. Secret values (apiKey, password, token…) are references only."""
    enabled: Annotated[bool, WIRE] = True
    """Send traces to this destination."""
    privacy_mode: Annotated[bool, WIRE] = False
    """Leave prompts and completions out of traces."""
    sampling_rate: Annotated[float, WIRE] = Field(1.0, ge=0.0001, le=1)
    """Fraction of requests traced (0.0001 to 1)."""
    api_keys: Annotated[list[str] | None, SET_LIKE, NULL_LIFTS] = None
    """Names of keys of this workspace whose traffic is traced (absent = all keys)."""
    broadcast_generation_cost: Annotated[bool, WIRE] = False
    """Include cost in traces."""
    broadcast_generation_identity: Annotated[bool, WIRE] = False
    """Include user identity in traces."""
    broadcast_generation_request_context: Annotated[bool, WIRE] = False
    """Include request context in traces."""
    regions: Annotated[list[RegionInput] | None, SET_LIKE, NOT_CLEARABLE, NEWER] = Field(None, min_length=1)
    """Data regions whose requests are traced here (`global`, `europe` or its alias `eu`, `us`);
    a new destination gets `[global]`. It cannot be cleared."""
    filter_rules: Annotated[dict[str, Any] | None, NESTED, WIRE] = None
    """Optional filter rules, as the API takes them."""
    rotation: Annotated[str | None, RESENDS_SECRET] = None
    """Change this marker to send the secret config values again."""
    previous_names: list[str] = Field(default_factory=empty_list)
    """Earlier names of this destination."""

    @field_validator("regions")
    @classmethod
    def _one_name_per_region(cls, value: list[str] | None) -> list[str] | None:
        # The API stores `eu` as `europe`: written either way, it converges. (`null` is refused in
        # a config by config/null_lists.py: it cannot be cleared.)
        return None if value is None else list(dict.fromkeys("europe" if r == "eu" else r for r in value))


WorkspaceData = Literal["user_input", "personal_data"]
"""What a workspace's traffic carries, for the policy rules: text from end users, personal data."""


class Workspace(Spec):
    """A workspace: the unit of budget, policy and keys. Its slug (the mapping key) is its identity."""

    CONFIG_ONLY: ClassVar[frozenset[str]] = frozenset({"previous_names", "prune", "handles", "id", "mode"})

    name: Annotated[str, WIRE] = Field(min_length=1, max_length=100)
    """Display name."""
    description: Annotated[str | None, WIRE] = Field(None, max_length=500)
    """Free text."""
    default_text_model: Annotated[str | None, WIRE] = None
    """Model used when a request names none."""
    default_image_model: Annotated[str | None, WIRE] = None
    """Image model used when a request names none."""
    default_provider_sort: Annotated[ProviderSort | None, WIRE] = None
    """Default provider ordering: price, throughput, latency or exacto."""
    is_observability_io_logging_enabled: Annotated[bool, WIRE] = False
    """Private input/output logging."""
    is_observability_broadcast_enabled: Annotated[bool, WIRE] = False
    """Broadcast traces to the observability destinations."""
    is_data_discount_logging_enabled: Annotated[bool, WIRE] = False
    """Opt in to data-discount logging."""
    io_logging_sampling_rate: Annotated[float, WIRE] = Field(1.0, ge=0.0001, le=1)
    """Fraction of requests logged (0.0001 to 1)."""
    disabled_server_tools: Annotated[list[ServerTool] | None, SET_LIKE, NULL_LIFTS, NEWER] = None
    """OpenRouter server tools requests in this workspace may not invoke (e.g.
    `openrouter:web_search`); `[]` or `null` disables none."""
    budgets: Budgets = Field(default_factory=Budgets)
    """Spending caps per period."""
    include_byok_in_budgets: bool = False
    """Count BYOK usage against the workspace budgets."""
    default_guardrail: GuardrailPolicy | None = None
    """Policy for all traffic of the workspace that has no explicit guardrail (absent = not managed)."""
    members: Annotated[list[str] | None, SET_LIKE] = None
    """Organization member user ids in this workspace (absent = not managed)."""
    guardrails: dict[str, Guardrail] = Field(default_factory=empty_dict)
    """Named guardrails, by name."""
    keys: dict[str, ApiKey] = Field(default_factory=empty_dict)
    """API keys, by name."""
    presets: dict[str, Preset] = Field(default_factory=empty_dict)
    """Presets, by slug."""
    byok: dict[str, ByokKey] = Field(default_factory=empty_dict)
    """BYOK provider credentials, by name."""
    observability: dict[str, ObservabilityDestination] = Field(default_factory=empty_dict)
    """Observability destinations, by name."""
    handles: list[WorkspaceData] = Field(default_factory=empty_list)
    """What its traffic carries: `user_input` (needs prompt-injection detection), `personal_data`
    (needs sensitive-info detection). Config only, checked by `orctl lint`."""
    prune: bool | None = None
    """Override `ownership.prune` for this workspace."""
    mode: Mode | None = None
    """`observe`: read, plan and report this workspace but never write to it (default: the config's `mode`)."""
    id: str | None = None
    """Live id this workspace is pinned to (matched before the slug, so a slug changed in the dashboard is followed)."""
    previous_names: list[str] = Field(default_factory=empty_list)
    """Earlier slugs of this workspace (the API can change a slug in place)."""


class OrganizationSettings(Spec):
    """Organization-wide settings the API can write ([newer] /organization/settings)."""

    CONFIG_ONLY: ClassVar[frozenset[str]] = frozenset({"max_key_lifetime"})

    filtered_model_catalog: Annotated[bool | None, Wire("is_filtered_model_catalog_enabled")] = None
    """Show members only the models the guardrails allow."""
    max_key_lifetime: str | None = Field(None, pattern=r"^[1-9][0-9]{0,4}d$")
    """The dashboard's maximum key lifetime in days, e.g. `90d` (config only: the API cannot set it).
    `orctl lint` then makes a key without `expires_at`, or expiring later, an error."""

    @field_validator("filtered_model_catalog")
    @classmethod
    def _null_is_off(cls, value: bool | None) -> bool:
        return bool(value)  # `filtered_model_catalog: null` turns it off (the API's default and only other value)

    def max_key_lifetime_days(self) -> int | None:
        return int(self.max_key_lifetime[:-1]) if self.max_key_lifetime else None


class AccountState(Spec):
    """The managed part of an account: what config declares and what the live reader sees."""

    organization: OrganizationSettings | None = None
    """Organization settings (absent = not managed)."""
    workspaces: dict[str, Workspace] = Field(default_factory=empty_dict)
    """Workspaces by slug."""
