"""The API as it stands in late 2026, laid over the saved spec of 2026-08-22 for the tests.

The saved spec predates the changes the emulator and the client follow (keys `include_expired`,
`external_user`, `last_used_at`; guardrail `enforce_first_party_harness_models` and the `secrets`
detector; workspace `disabled_server_tools` and `confirm_default_workspace_deletion`; preset
archive and restore and `workspace_id`; BYOK `is_required`, `is_byok_only`, `declared_zdr`,
`declared_region`; destination `regions`; organization settings; 403 on management routes).
Each is written here from the change notes (docs/api-changes in the shared reference: the newer
Terraform-provider spec, SDK release notes and API reference pages), so the schemathesis run,
the response-shape checks and the request-conformance check hold the emulator and the client to
them, and fields marked required there are required here. What the notes leave open is marked
*inferred*, as in the emulator.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

REGION = {"enum": ["global", "europe", "us"], "type": "string"}
BOOLEAN_STRING = {"enum": ["true", "false"], "type": "string", "x-openrouter-type": "boolean"}
SERVER_TOOLS = [
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


BYOK_SLUGS_ADDED = (
    "amazon-bedrock/claude-on-aws",
    "anthropic/2",
    "assemblyai",
    "claude-on-aws",
    "cosine",
    "near-ai",
    "ollama",
    "primeintellect",
    "typesafe",
    "unbiased",
    "voyageai",
    "primalabs",
)
"""B4 in the change notes: `BYOKProviderSlug` gained these and lost `ncompass`."""


def _error(schema: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


WORKSPACE_ID_PARAM = {
    "description": "Workspace to act in; defaults to the account's default workspace.",
    "in": "query",
    "name": "workspace_id",
    "required": False,
    "schema": {"type": "string"},
}

FORBIDDEN = _error("ForbiddenResponse", "Forbidden - Authentication successful but insufficient permissions")
NEW_OPERATIONS = {
    ("DELETE", "/presets/{slug}"),
    ("POST", "/presets/{slug}/restore"),
    ("GET", "/organization/settings"),
    ("PATCH", "/organization/settings"),
}
"""Operations the saved spec does not have at all."""


def overlay(saved: dict[str, Any]) -> dict[str, Any]:
    """A copy of the saved spec with the late-2026 changes applied."""
    spec = copy.deepcopy(saved)
    schemas: dict[str, Any] = spec["components"]["schemas"]
    paths: dict[str, Any] = spec["paths"]
    _keys(paths)
    _guardrails(schemas)
    _workspaces(paths, schemas)
    _presets(paths, schemas)
    _byok(schemas)
    _observability(schemas)
    _organization(paths)
    _forbidden_on_management_routes(paths)
    return spec


def _objects(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if node.get("type") == "object" or "properties" in node:
            yield node
        for value in node.values():
            yield from _objects(value)
    elif isinstance(node, list):
        for item in node:
            yield from _objects(item)


def _require(schema: dict[str, Any], *names: str) -> None:
    schema["required"] = sorted({*schema.get("required", []), *names})


def _keys(paths: dict[str, Any]) -> None:
    for path in ("/keys", "/keys/{hash}"):
        for operation in paths[path].values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for item in _objects(operation["responses"]):
                props = item.get("properties", {})
                if {"hash", "label", "usage"} <= props.keys():  # an ApiKey
                    props["external_user"] = {"type": ["string", "null"]}
                    props["last_used_at"] = {"format": "date-time", "type": ["string", "null"]}
                    _require(item, "external_user")
    for item in _objects(paths["/key"]["get"]["responses"]):
        props = item.get("properties", {})
        if "is_management_key" in props:  # K8: required in GET /key (types *inferred*)
            props["organization_id"] = {"type": "string"}
            props["workspace_id"] = {"type": ["string", "null"]}
            props["allowed_data_regions"] = {"items": REGION, "type": ["array", "null"]}
            props["free_model_daily_requests"] = {"type": ["integer", "null"]}
            _require(item, "organization_id", "workspace_id", "allowed_data_regions", "free_model_daily_requests")
    paths["/keys"]["get"].setdefault("parameters", []).append(
        {"in": "query", "name": "include_expired", "required": False, "schema": BOOLEAN_STRING}
    )
    create = paths["/keys"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    create["properties"]["external"] = {
        "properties": {
            "api_key": {"maxLength": 512, "minLength": 32, "type": "string"},
            "user": {"maxLength": 512, "minLength": 1, "type": "string"},
        },
        "required": ["user"],
        "type": "object",
    }
    create["properties"]["expires_at"]["pattern"] = r"T\d{2}:\d{2}:\d{2}"  # "must include seconds"


def _guardrails(schemas: dict[str, Any]) -> None:
    schemas["ContentFilterBuiltinSlug"]["enum"].insert(5, "secrets")
    for name in ("CreateGuardrailRequest", "UpdateGuardrailRequest", "Guardrail"):
        props = schemas[name]["properties"]
        props["enforce_first_party_harness_models"] = {"type": ["boolean", "null"]}  # type *inferred*
        regions = {"items": REGION, "type": ["array", "null"]}
        props.setdefault("allowed_data_regions", regions if name == "Guardrail" else {**regions, "minItems": 1})


def _workspaces(paths: dict[str, Any], schemas: dict[str, Any]) -> None:
    for name in ("CreateWorkspaceRequest", "UpdateWorkspaceRequest"):
        schemas[name]["properties"]["disabled_server_tools"] = {
            "items": {"enum": SERVER_TOOLS, "type": "string"},
            "type": ["array", "null"],
        }
    schemas["Workspace"]["properties"]["disabled_server_tools"] = {
        "items": {"type": "string"},
        "type": ["array", "null"],
    }
    delete = paths["/workspaces/{id}"]["delete"]
    delete.setdefault("parameters", []).append(
        {"in": "query", "name": "confirm_default_workspace_deletion", "required": False, "schema": BOOLEAN_STRING}
    )


def _presets(paths: dict[str, Any], schemas: dict[str, Any]) -> None:
    for path in ("/presets", "/presets/{slug}", "/presets/{slug}/versions", "/presets/{slug}/versions/{version}"):
        paths[path]["get"].setdefault("parameters", []).append(WORKSPACE_ID_PARAM)
    paths["/presets"]["get"]["responses"].setdefault("404", _error("NotFoundResponse", "Not Found"))
    slug = paths["/presets/{slug}"]["get"]["parameters"][0]
    errors = {
        status: copy.deepcopy(paths["/presets/{slug}"]["get"]["responses"][status])
        for status in ("401", "404", "500")
        if status in paths["/presets/{slug}"]["get"]["responses"]
    }
    conflict = _error("ConflictResponse", "Conflict - the preset is disabled")
    errors["400"] = _error("BadRequestResponse", "Bad Request - an invalid slug or workspace_id")
    paths["/presets/{slug}"]["delete"] = {
        "operationId": "deletePreset",
        "description": "Archives a preset; the slug stays taken (restore it with POST /presets/{slug}/restore).",
        "parameters": [slug, WORKSPACE_ID_PARAM],
        "responses": {
            # Response body *inferred* from the June 2026 preview: {deleted: true}.
            "200": {
                "description": "Archived",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DeleteWorkspaceResponse"}}},
            },
            "409": conflict,
            **errors,
        },
    }
    paths["/presets/{slug}/restore"] = {
        "post": {
            "operationId": "restorePreset",
            "description": "Re-activates an archived preset; no version is created.",
            "parameters": [slug, WORKSPACE_ID_PARAM],
            "responses": {
                # *inferred*: "Restoring an active preset returns it unchanged" suggests the preset.
                "200": {
                    "description": "Restored",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/GetPresetResponse"}}},
                },
                "409": conflict,
                **copy.deepcopy(errors),
            },
        }
    }


def _byok(schemas: dict[str, Any]) -> None:
    new = {
        "is_required": {"type": "boolean"},
        "is_byok_only": {"type": "boolean"},
        "declared_zdr": {"type": ["boolean", "null"]},
        "declared_region": {"enum": ["global", "europe", "us", None], "type": ["string", "null"]},
    }
    for name in ("CreateBYOKKeyRequest", "UpdateBYOKKeyRequest", "BYOKKey"):
        schemas[name]["properties"].update(copy.deepcopy(new))
    _require(schemas["BYOKKey"], "is_required", "is_byok_only", "declared_zdr")
    # B4: the slug enum of the Terraform-provider spec (112 values), and `primalabs` (2026-11-04).
    slugs = [s for s in schemas["BYOKProviderSlug"]["enum"] if s != "ncompass"]
    schemas["BYOKProviderSlug"]["enum"] = sorted({*slugs, *BYOK_SLUGS_ADDED})


def _observability(schemas: dict[str, Any]) -> None:
    region_input = {"enum": ["global", "europe", "us", "eu"], "type": "string"}
    schemas["CreateObservabilityDestinationRequest"]["properties"]["regions"] = {
        "default": ["global"],
        "items": region_input,
        "minItems": 1,
        "type": "array",
    }
    schemas["UpdateObservabilityDestinationRequest"]["properties"]["regions"] = {
        "items": region_input,
        "minItems": 1,
        "type": "array",
    }
    for name, schema in schemas.items():
        if name.startswith("Observability") and name.endswith("Destination") and "properties" in schema:
            schema["properties"]["regions"] = {"items": REGION, "minItems": 1, "type": "array"}
            _require(schema, "regions")


def _organization(paths: dict[str, Any]) -> None:
    settings = {
        "properties": {
            "data": {
                "properties": {"id": {"type": "string"}, "is_filtered_model_catalog_enabled": {"type": "boolean"}},
                "required": ["id", "is_filtered_model_catalog_enabled"],
                "type": "object",
            }
        },
        "required": ["data"],
        "type": "object",
    }
    answer = {"description": "Organization settings", "content": {"application/json": {"schema": settings}}}
    errors = {
        "400": _error("BadRequestResponse", "Bad Request"),
        "401": _error("UnauthorizedResponse", "Unauthorized"),
        "403": FORBIDDEN,
    }
    paths["/organization/settings"] = {
        "get": {"operationId": "getOrganizationSettings", "responses": {"200": answer, **errors}},
        "patch": {
            "operationId": "updateOrganizationSettings",
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "properties": {"is_filtered_model_catalog_enabled": {"type": "boolean"}},
                            "required": ["is_filtered_model_catalog_enabled"],
                            "additionalProperties": False,  # the emulator refuses unknown fields
                            "type": "object",
                        }
                    }
                },
            },
            "responses": {"200": answer, **errors},
        },
    }


def _forbidden_on_management_routes(paths: dict[str, Any]) -> None:
    """403 (release notes of 2026-09-15 to 10-30) on the management routes: a key without the
    scope, or a read-only management key writing."""
    for path, item in paths.items():
        if path in ("/models", "/providers") or not path.startswith(
            ("/keys", "/guardrails", "/workspaces", "/byok", "/presets", "/observability", "/organization", "/credits")
        ):
            continue
        for method, operation in item.items():
            if isinstance(operation, dict) and "responses" in operation and method != "parameters":
                operation["responses"].setdefault("403", FORBIDDEN)
