"""Observability (Broadcast) destinations: ``/observability/destinations[/{id}]``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openrouter_iac.emulator import validation as v
from openrouter_iac.emulator.context import Ctx
from openrouter_iac.emulator.env import mask_secret
from openrouter_iac.emulator.errors import ApiError, not_found
from openrouter_iac.emulator.query import paged_list
from openrouter_iac.emulator.router import Reply, Router
from openrouter_iac.emulator.state import Record

MAX_PER_TYPE = 5  # per workspace


@dataclass(frozen=True)
class DestinationType:
    required: tuple[str, ...]
    defaults: dict[str, str] = field(default_factory=dict)
    optional: tuple[str, ...] = ()
    secret: frozenset[str] = frozenset()  # returned masked
    special: dict[str, v.Field] = field(default_factory=dict)  # stricter rules for some keys

    def schema(self) -> v.Field:
        fields: dict[str, v.Field] = {name: v.string(required=True, min_len=1) for name in self.required}
        for name in (*self.defaults, *self.optional):
            fields[name] = v.string()
        fields["headers"] = v.string_map()
        fields.update(self.special)
        return v.obj(fields)


_URL = v.string(min_len=1, pattern=r"^https?://\S+$", pattern_hint="an http(s) URL")
TYPES: dict[str, DestinationType] = {
    "arize": DestinationType(
        ("apiKey", "spaceKey", "modelId"),
        {"baseUrl": "https://otlp.arize.com"},
        secret=frozenset({"apiKey", "spaceKey"}),
    ),
    "braintrust": DestinationType(
        ("apiKey", "projectId"), {"baseUrl": "https://api.braintrust.dev"}, secret=frozenset({"apiKey"})
    ),
    "clickhouse": DestinationType(
        ("host", "database", "username", "password"), {"table": "OPENROUTER_TRACES"}, secret=frozenset({"password"})
    ),
    "datadog": DestinationType(
        ("apiKey", "mlApp"), {"url": "https://api.us5.datadoghq.com"}, secret=frozenset({"apiKey"})
    ),
    "grafana": DestinationType(
        ("apiKey", "instanceId"),
        {"baseUrl": "https://otlp-gateway-prod-us-west-0.grafana.net"},
        secret=frozenset({"apiKey"}),
    ),
    "langfuse": DestinationType(
        ("secretKey", "publicKey"),
        {"baseUrl": "https://us.cloud.langfuse.com"},
        secret=frozenset({"secretKey", "publicKey"}),
    ),
    "langsmith": DestinationType(
        ("apiKey",),
        {"endpoint": "https://api.smith.langchain.com", "project": "main"},
        optional=("workspaceId",),
        secret=frozenset({"apiKey"}),
    ),
    "newrelic": DestinationType(
        ("licenseKey",), {"region": "us"}, secret=frozenset({"licenseKey"}), special={"region": v.enum("us", "eu")}
    ),
    "opik": DestinationType(("apiKey", "workspace", "projectName"), secret=frozenset({"apiKey"})),
    "otel-collector": DestinationType((), special={"endpoint": v.string(required=True, min_len=1)}),
    "posthog": DestinationType(("apiKey",), {"endpoint": "https://us.i.posthog.com"}, secret=frozenset({"apiKey"})),
    "ramp": DestinationType(
        ("apiKey",),
        {"baseUrl": "https://api.ramp.com/developer/v1/ai-usage/openrouter"},
        secret=frozenset({"apiKey"}),
    ),
    "s3": DestinationType(
        ("bucketName", "accessKeyId", "secretAccessKey"),
        {"prefix": "openrouter-traces", "pathTemplate": "{prefix}/{date}"},
        optional=("region", "sessionToken"),
        secret=frozenset({"accessKeyId", "secretAccessKey", "sessionToken"}),
        special={"endpoint": _URL},
    ),
    "sentry": DestinationType(
        ("otlpEndpoint",),
        special={
            "dsn": v.string(
                required=True,
                min_len=1,
                pattern=r"^https://([^:@]+)(?::[^@]*)?@([^/]+)(?:/[^/]+)*/(\d+)/?$",
                pattern_hint="a Sentry DSN like https://<key>@o0.ingest.sentry.io/<project>",
            )
        },
    ),
    "snowflake": DestinationType(
        ("token",),
        {
            "database": "SNOWFLAKE_LEARNING_DB",
            "schema": "PUBLIC",
            "table": "OPENROUTER_TRACES",
            "warehouse": "COMPUTE_WH",
        },
        secret=frozenset({"token"}),
        special={
            "account": v.string(
                required=True,
                min_len=1,
                max_len=255,
                pattern=r"^[a-zA-Z0-9_]+(?:[.-][a-zA-Z0-9_]+)*$",
                pattern_hint="a Snowflake account identifier",
            )
        },
    ),
    "weave": DestinationType(
        ("apiKey", "entity", "project"), {"baseUrl": "https://trace.wandb.ai"}, secret=frozenset({"apiKey"})
    ),
    "webhook": DestinationType(
        (), {"method": "POST"}, special={"url": v.string(required=True, min_len=1), "method": v.enum("POST", "PUT")}
    ),
}
_SCHEMAS = {name: spec.schema() for name, spec in TYPES.items()}

_RULE = v.obj(
    {
        "field": v.enum(
            "model",
            "provider",
            "session_id",
            "user_id",
            "api_key_name",
            "finish_reason",
            "input",
            "output",
            "total_cost",
            "total_tokens",
            "prompt_tokens",
            "completion_tokens",
            required=True,
        ),
        "operator": v.enum(
            "equals",
            "not_equals",
            "contains",
            "not_contains",
            "regex",
            "starts_with",
            "ends_with",
            "gt",
            "lt",
            "gte",
            "lte",
            "exists",
            "not_exists",
            required=True,
        ),
        "value": v.Field("any"),
    }
)
FILTER_RULES = v.obj(
    {
        "enabled": v.boolean(),
        "groups": v.array(v.obj({"logic": v.enum("and", "or"), "rules": v.array(_RULE, required=True)}), required=True),
    },
    nullable=True,
)


def _fields(*, create: bool) -> dict[str, v.Field]:
    fields: dict[str, v.Field] = {
        "name": v.string(required=create, min_len=1, max_len=255),
        "config": v.any_object(required=create),
        "enabled": v.boolean(),
        "privacy_mode": v.boolean(),
        "broadcast_generation_cost": v.boolean(),
        "broadcast_generation_identity": v.boolean(),
        "broadcast_generation_request_context": v.boolean(),
        "sampling_rate": v.number(minimum=0.0001, maximum=1),
        "api_key_hashes": v.array(v.string(min_len=1), nullable=True, min_items=1),
        "filter_rules": FILTER_RULES,
        # [newer] Create: default ['global']; update: "Omitting this field keeps the current value;
        # it cannot be cleared" (no null, no empty array). `eu` is an alias of `europe`.
        "regions": v.array(v.enum("global", "europe", "us", "eu"), min_items=1),
    }
    if create:
        fields["type"] = v.enum(*TYPES, required=True)
        fields["workspace_id"] = v.uuid_field()
    return fields


_IMMUTABLE = "cannot be changed after creation"
CREATE = v.obj(_fields(create=True))
UPDATE = v.obj(_fields(create=False), forbidden={"type": _IMMUTABLE, "workspace_id": _IMMUTABLE, "id": "is read-only"})


def _check_rules(rules: Record | None) -> Record | None:
    if rules is None:
        return None
    out = {"enabled": rules.get("enabled", True), "groups": []}
    for g, group in enumerate(rules["groups"]):
        checked = []
        for r, rule in enumerate(group["rules"]):
            where = f"filter_rules.groups[{g}].rules[{r}]"
            value = rule.get("value")
            if rule["operator"] in ("exists", "not_exists"):
                checked.append({"field": rule["field"], "operator": rule["operator"]})
                continue
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                raise ApiError(
                    400,
                    f"{where}.value must be a string or number for operator {rule['operator']!r}",
                    metadata={"field": f"{where}.value"},
                )
            checked.append({"field": rule["field"], "operator": rule["operator"], "value": value})
        out["groups"].append({"logic": group.get("logic", "and"), "rules": checked})
    return out


def _check_config(kind: str, config: Record) -> Record:
    checked = v.validate(config, _SCHEMAS[kind], where=f"config for a {kind} destination")
    merged: Record = dict(TYPES[kind].defaults)
    merged.update(checked)
    return merged


def _check_hashes(ctx: Ctx, hashes: list[str] | None) -> None:
    if hashes:
        missing = [h for h in hashes if h not in ctx.state.keys]
        if missing:
            raise ApiError(
                400,
                f"api_key_hashes: no live API key has hash(es) {', '.join(missing)}",
                metadata={"field": "api_key_hashes", "unknown": missing},
            )


def _mask(kind: str, name: str, value: Any) -> Any:
    if name == "headers" and isinstance(value, dict):
        return {h: mask_secret(str(x)) for h, x in value.items()}
    if name in TYPES[kind].secret and isinstance(value, str):
        return mask_secret(value)
    return value


def _regions(sent: list[str]) -> list[str]:
    return list(dict.fromkeys("europe" if region == "eu" else region for region in sent))


def render(record: Record) -> Record:
    out = {"regions": ["global"], **record}  # records of an older emulator: the default
    kind = record["type"]
    out["config"] = {name: _mask(kind, name, value) for name, value in record["config"].items()}
    return out


def _destination(ctx: Ctx) -> Record:
    record = ctx.state.destinations.get(ctx.params["id"].lower())
    if record is None:
        raise not_found("Observability destination")
    return record


def list_destinations(ctx: Ctx) -> Reply:
    workspace_id = ctx.target_workspace_id(ctx.query.uuid("workspace_id"))
    items = [render(r) for r in ctx.state.destinations.values() if r["workspace_id"] == workspace_id]
    return Reply(200, paged_list(items, ctx.query))


def create_destination(ctx: Ctx) -> Reply:
    body = v.validate(ctx.json_body(), CREATE)
    workspace_id = ctx.target_workspace_id(body.get("workspace_id"))
    kind = body["type"]
    same = [r for r in ctx.state.destinations.values() if r["workspace_id"] == workspace_id and r["type"] == kind]
    if len(same) >= MAX_PER_TYPE:
        raise ApiError(
            400,
            f"A workspace can have at most {MAX_PER_TYPE} {kind} destinations; delete one first",
            metadata={"limit": MAX_PER_TYPE, "type": kind},
        )
    config = _check_config(kind, body["config"])
    _check_hashes(ctx, body.get("api_key_hashes"))
    now = ctx.env.now_iso()
    record: Record = {
        "id": ctx.env.new_uuid(),
        "workspace_id": workspace_id,
        "name": body["name"],
        "type": kind,
        "config": config,
        "enabled": body.get("enabled", True),
        "privacy_mode": body.get("privacy_mode", False),
        "broadcast_generation_cost": body.get("broadcast_generation_cost", False),
        "broadcast_generation_identity": body.get("broadcast_generation_identity", False),
        "broadcast_generation_request_context": body.get("broadcast_generation_request_context", False),
        "sampling_rate": body.get("sampling_rate", 1),
        "api_key_hashes": body.get("api_key_hashes"),
        "filter_rules": _check_rules(body.get("filter_rules")),
        "regions": _regions(body.get("regions", ["global"])),
        "created_at": now,
        "updated_at": now,
    }
    ctx.state.destinations[record["id"]] = record
    return Reply(201, {"data": render(record)})


def get_destination(ctx: Ctx) -> Reply:
    return Reply(200, {"data": render(_destination(ctx))})


def _merge_config(record: Record, patch: Record) -> Record:
    """Partial merge: sent keys replace, unsent keys stay, echoed masked values are ignored."""
    kind = record["type"]
    current = record["config"]
    merged = dict(current)
    for name, value in patch.items():
        if value is None:
            merged.pop(name, None)
            if name in TYPES[kind].defaults:
                merged[name] = TYPES[kind].defaults[name]
            continue
        if name == "headers" and isinstance(value, dict) and isinstance(current.get("headers"), dict):
            old = current["headers"]
            merged["headers"] = {
                h: (old[h] if h in old and x == mask_secret(str(old[h])) else x) for h, x in value.items()
            }
            continue
        if name in current and value == _mask(kind, name, current[name]) and value != current[name]:
            continue  # the masked value read earlier, sent back unchanged
        merged[name] = value
    return _check_config(kind, merged)


def update_destination(ctx: Ctx) -> Reply:
    record = _destination(ctx)
    body = v.validate(ctx.json_body(), UPDATE)
    if "config" in body:
        body["config"] = _merge_config(record, body["config"])
    if "filter_rules" in body:
        body["filter_rules"] = _check_rules(body["filter_rules"])
    if "regions" in body:
        body["regions"] = _regions(body["regions"])
    _check_hashes(ctx, body.get("api_key_hashes"))
    record.update(body)
    record["updated_at"] = ctx.env.now_iso()
    return Reply(200, {"data": render(record)})


def delete_destination(ctx: Ctx) -> Reply:
    record = _destination(ctx)
    del ctx.state.destinations[record["id"]]
    return Reply(200, {"deleted": True})


def register(router: Router) -> None:
    router.add("GET", "/observability/destinations", list_destinations)
    router.add("POST", "/observability/destinations", create_destination)
    router.add("GET", "/observability/destinations/{id}", get_destination)
    router.add("PATCH", "/observability/destinations/{id}", update_destination)
    router.add("DELETE", "/observability/destinations/{id}", delete_destination)
