"""Check one HTTP request against the official OpenAPI 3.1 document: the operation exists, its query
and path parameters are declared and valid, and a JSON body validates against the operation's
requestBody schema (JSON Schema 2020-12, ``$ref``s resolved over the whole document)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

SPEC_URI = "urn:openrouter:openapi"
API_PREFIX = "/api/v1"
# Formats are checked too (uuid ids, date-time expiries), as the API does.
FORMATS = Draft202012Validator.FORMAT_CHECKER
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def _pointer(*parts: str) -> str:
    return "/" + "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    pattern: re.Pattern[str]
    literal_segments: int
    spec: dict[str, Any]
    parameters: dict[tuple[str, str], dict[str, Any]]  # (in, name) -> parameter object

    @property
    def name(self) -> str:
        return f"{self.method} {self.template}"


class OpenApiChecker:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.registry: Registry[Any] = Registry().with_resource(SPEC_URI, DRAFT202012.create_resource(document))
        self.operations: list[Operation] = []
        for template, item in document["paths"].items():
            shared = item.get("parameters", [])
            for method in METHODS:
                if method not in item:
                    continue
                op = item[method]
                params = {}
                for param in [*shared, *op.get("parameters", [])]:
                    resolved = self._resolve(param)
                    params[(resolved["in"], resolved["name"])] = resolved
                regex = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$"
                literal = sum(1 for seg in template.split("/") if seg and not seg.startswith("{"))
                self.operations.append(Operation(method.upper(), template, re.compile(regex), literal, op, params))
        # Literal segments win: /guardrails/assignments/keys before /guardrails/{id}/...
        self.operations.sort(key=lambda op: -op.literal_segments)

    def _resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            ref = node["$ref"]
            assert ref.startswith("#/"), ref
            target: Any = self.document
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
        return node

    def _validator(self, pointer: str) -> Draft202012Validator:
        return Draft202012Validator({"$ref": f"{SPEC_URI}#{pointer}"}, registry=self.registry, format_checker=FORMATS)

    def operation(self, method: str, path: str) -> Operation | None:
        for op in self.operations:
            if op.method == method and op.pattern.match(path):
                return op
        return None

    def problems(
        self, method: str, path: str, query: list[tuple[str, str]], body: bytes, content_type: str
    ) -> tuple[Operation | None, list[str]]:
        """The operation matched and what is wrong with the request (empty when it conforms).
        ``path`` is relative to the API base (``/keys``, not ``/api/v1/keys``)."""
        op = self.operation(method, path)
        if op is None:
            return None, [f"{method} {path}: no such operation in the spec"]
        found: list[str] = []
        found += self._path_problems(op, path)
        found += self._query_problems(op, query)
        found += self._body_problems(op, body, content_type)
        return op, found

    def response_problems(self, op: Operation, status: int, body: bytes, content_type: str) -> list[str]:
        """What is wrong with an answer to ``op``: a status the operation does not declare, or a JSON
        body that does not validate against the declared response schema (formats included)."""
        responses: dict[str, Any] = op.spec.get("responses", {})
        key = next((k for k in (str(status), f"{str(status)[0]}XX", "default") if k in responses), None)
        if key is None:
            return [f"{op.name}: answered {status}, which it does not declare (declared: {sorted(responses)})"]
        declared = self._resolve(responses[key])
        if "application/json" not in declared.get("content", {}) or not body:
            return []
        if "json" not in content_type:
            return [f"{op.name}: the {status} answer is {content_type!r}, not JSON"]
        try:
            document = json.loads(body)
        except ValueError:
            return [f"{op.name}: the {status} answer is not JSON"]
        pointer = _pointer("paths", op.template, op.method.lower(), "responses", key)
        if "$ref" in responses[key]:
            pointer = responses[key]["$ref"][1:]
        errors = self._validator(pointer + _pointer("content", "application/json", "schema")).iter_errors(document)
        return [
            f"{op.name}: {status} answer{''.join(f'[{p!r}]' for p in error.path)}: {error.message}"
            for error in sorted(errors, key=lambda e: list(e.path))
        ]

    def _path_problems(self, op: Operation, path: str) -> list[str]:
        names = re.findall(r"\{([^/]+?)\}", op.template)
        regex = "^" + re.sub(r"\\\{[^/]+?\\\}", "([^/]+)", re.escape(op.template)) + "$"
        match = re.match(regex, path)
        assert match is not None
        found = []
        for name, value in zip(names, match.groups(), strict=True):
            param = op.parameters.get(("path", name))
            if param is None:
                found.append(f"{op.name}: path parameter {name} is not declared")
                continue
            found += self._value_problems(op, f"path parameter {name}", param, value)
        return found

    def _query_problems(self, op: Operation, query: list[tuple[str, str]]) -> list[str]:
        found = []
        for name, value in query:
            param = op.parameters.get(("query", name))
            if param is None:
                declared = sorted(n for (where, n) in op.parameters if where == "query")
                found.append(f"{op.name}: query parameter {name!r} is not declared (declared: {declared})")
                continue
            found += self._value_problems(op, f"query parameter {name}", param, value)
        return found

    def _value_problems(self, op: Operation, what: str, param: dict[str, Any], raw: str) -> list[str]:
        schema = self._resolve(param.get("schema") or {})
        value: Any = raw
        types = schema.get("type")
        types = set(types) if isinstance(types, list) else {types}
        if "boolean" in types and raw in ("true", "false"):
            value = raw == "true"
        elif types & {"integer", "number"}:
            try:
                value = int(raw) if re.fullmatch(r"-?\d+", raw) else float(raw)
            except ValueError:
                value = raw
        found = []
        if schema.get("x-openrouter-type") == "boolean" and raw not in ("true", "false"):
            found.append(f"{op.name}: {what}={raw!r}: a boolean must be sent as 'true' or 'false'")
        validator = Draft202012Validator(schema, registry=self.registry, format_checker=FORMATS)
        return found + [f"{op.name}: {what}={raw!r}: {error.message}" for error in validator.iter_errors(value)]

    def _body_problems(self, op: Operation, body: bytes, content_type: str) -> list[str]:
        request_body = self._resolve(op.spec["requestBody"]) if "requestBody" in op.spec else None
        if request_body is None:
            return [f"{op.name}: sends a body but the operation takes none"] if body else []
        if not body:
            return [f"{op.name}: the request body is required"] if request_body.get("required") else []
        if "application/json" not in request_body.get("content", {}):
            return [f"{op.name}: the operation takes no JSON body"]
        if "json" not in content_type:
            return [f"{op.name}: content-type {content_type!r} is not JSON"]
        try:
            document = json.loads(body)
        except ValueError:
            return [f"{op.name}: the body is not JSON"]
        pointer = _pointer("paths", op.template, op.method.lower(), "requestBody", "content", "application/json")
        if "$ref" in op.spec["requestBody"]:
            pointer = op.spec["requestBody"]["$ref"][1:] + _pointer("content", "application/json")
        errors = sorted(self._validator(pointer + "/schema").iter_errors(document), key=lambda e: list(e.path))
        return [f"{op.name}: body{''.join(f'[{p!r}]' for p in error.path)}: {error.message}" for error in errors]
