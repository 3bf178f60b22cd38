"""Errors the emulated API answers with, in the upstream shape.

Every error body is ``{"error": {"code": <status>, "message": str, "metadata"?: object}}``; the
HTTP status always equals ``error.code`` (the spec has one error schema per status).
"""

from __future__ import annotations

from typing import Any

STATUS_TEXT: dict[int, str] = {
    400: "Bad Request",
    401: "Unauthorized",
    402: "Payment Required",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    409: "Conflict",
    410: "Gone",
    413: "Payload Too Large",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


class ApiError(Exception):
    """Raised by handlers; the dispatcher turns it into an error response."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        metadata: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.metadata = metadata
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return error_body(self.status, self.message, self.metadata)


def error_body(status: int, message: str, metadata: dict[str, Any] | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": status, "message": message}
    if metadata is not None:
        error["metadata"] = metadata
    return {"error": error}


def bad_request(message: str, **metadata: Any) -> ApiError:
    return ApiError(400, message, metadata=metadata or None)


def not_found(what: str) -> ApiError:
    return ApiError(404, f"{what} not found")
