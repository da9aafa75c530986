"""The OpenAPI 3 document, assembled from the paths each package registers."""

from typing import Any

_paths: dict[str, dict] = {}
_schemas: dict[str, dict] = {}


def register_paths(paths: dict[str, dict], schemas: dict[str, dict] | None = None) -> None:
    """Add a package's paths (and component schemas) to the document."""
    for path, operations in paths.items():
        _paths.setdefault(path, {}).update(operations)
    _schemas.update(schemas or {})


def error_responses(*codes: int) -> dict[str, Any]:
    """The standard error answers for an operation."""
    text = {400: "Malformed JSON", 401: "No or bad token", 403: "Not allowed",
            404: "Absent or not visible to you", 409: "Conflict", 413: "Batch too large",
            422: "Invalid fields", 429: "Rate limited"}
    return {str(c): {"description": text[c], "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Error"}}}} for c in codes}


def op(summary: str, *, tag: str, body: dict | None = None, ok: int = 200,
       response: dict | None = None, errors=(401, 404), params: list | None = None) -> dict:
    """One operation object, with the usual shape."""
    operation: dict[str, Any] = {
        "summary": summary, "tags": [tag],
        "responses": {str(ok): {"description": "OK", "content": {"application/json": {
            "schema": response or {"type": "object"}}}}, **error_responses(*errors)},
    }
    if body is not None:
        operation["requestBody"] = {"required": True,
                                    "content": {"application/json": {"schema": body}}}
    if params:
        operation["parameters"] = params
    return operation


def path_param(name: str, type_: str = "integer") -> dict:
    """A required path parameter."""
    return {"name": name, "in": "path", "required": True, "schema": {"type": type_}}


PAGING = [{"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
          {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1,
                                                          "maximum": 200}}]

BASE_SCHEMAS = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["code", "message"], "properties": {
            "code": {"type": "string"}, "message": {"type": "string"},
            "fields": {"type": "object", "additionalProperties": {"type": "string"}}}}}},
    "Money": {"type": "object", "required": ["amount", "currency"], "properties": {
        "amount": {"type": "integer", "description": "minor units (fen, cent)"},
        "currency": {"type": "string", "default": "CNY"}}},
}


def document() -> dict[str, Any]:
    """The whole OpenAPI document."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "Alliance portal API", "version": "1",
                 "description": "Working groups, Advisory Board recommendations, Queqiao tips "
                                "and rules, shared test purchases."},
        "servers": [{"url": "/api/v1"}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
                       "schemas": {**BASE_SCHEMAS, **_schemas}},
        "security": [{"bearer": []}],
        "paths": dict(sorted(_paths.items())),
    }
