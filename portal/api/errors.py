"""The API's error format: {"error": {"code", "message", "fields"}}."""

from typing import Any

from flask import jsonify


def error_response(status: int, code: str, message: str, fields: dict | None = None,
                   **extra: Any):
    """A JSON error answer with the given status."""
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    body.update(extra)
    response = jsonify(error=body)
    response.status_code = status
    return response
