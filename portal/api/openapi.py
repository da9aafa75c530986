"""The OpenAPI 3 document, assembled from the paths each package registers."""

from collections.abc import Callable
from typing import Any

from .. import parsing

_paths: dict[str, dict] = {}
_schemas: dict[str, dict] = {}
_dynamic: list[Callable[[], dict[str, dict]]] = []


def register_paths(paths: dict[str, dict], schemas: dict[str, dict] | None = None) -> None:
    """Add a package's paths (and component schemas) to the document."""
    for path, operations in paths.items():
        _paths.setdefault(path, {}).update(operations)
    _schemas.update(schemas or {})


_ERROR_TEXT = {400: "Malformed JSON", 401: "No or bad token",
               403: "Not allowed (or the caller's role must enrol in two-factor sign-in first)",
               404: "Absent or not visible to you", 409: "Conflict",
               413: "Batch or upload too large", 422: "Invalid fields", 429: "Rate limited"}


def register_dynamic_paths(make: Callable[[], dict[str, dict]]) -> None:
    """Add paths whose description changes while the process runs (bounds such as the
    current year), built afresh for each document."""
    _dynamic.append(make)


def _all_paths() -> dict[str, dict]:
    paths = {path: dict(ops) for path, ops in _paths.items()}
    for make in _dynamic:
        for path, ops in make().items():
            paths.setdefault(path, {}).update(ops)
    return paths


def error_responses(*codes: int) -> dict[str, Any]:
    """The standard error answers for an operation."""
    return {str(c): {"description": _ERROR_TEXT[c], "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Error"}}}} for c in codes}


def _answers_it_may_give(operation: dict) -> set[int]:
    """The errors any operation of this shape can answer, whatever its own code does: every
    call is rate-limited; a token call is refused without a token (401) or when the role
    must enrol in two-factor sign-in first (403); a body can be malformed, too large or
    hold text that cannot be stored; query and path parameters can be off or name nothing."""
    codes = {429}
    if operation.get("security") != []:
        codes |= {401, 403}
    body = operation.get("requestBody", {}).get("content", {})
    if body:
        codes |= {413, 422} | ({400} if "application/json" in body else set())
    places = {p.get("in") for p in operation.get("parameters", [])}
    if "query" in places:
        codes.add(422)
    if "path" in places:
        codes.add(404)
    return codes


def _complete(operation: dict) -> dict:
    """The operation with the common error answers it leaves out."""
    responses = dict(operation["responses"])
    for code in sorted(_answers_it_may_give(operation)):
        responses.setdefault(str(code), error_responses(code)[str(code)])
    return {**operation, "responses": responses}


def page_of(item: dict) -> dict:
    """A list answer: {items, page, per_page, total} (API.md, Lists)."""
    return {"type": "object", "required": ["items", "page", "per_page", "total"], "properties": {
        "items": {"type": "array", "items": item}, "page": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 0}, "total": {"type": "integer",
                                                               "minimum": 0}}}


def op(summary: str, *, tag: str, body: dict | None = None, ok: int = 200,
       response: dict | None = None, errors=(401, 404), params: list | None = None) -> dict:
    """One operation object, with the usual shape (a paged list when it takes ?page=)."""
    if response is None and any(p is PAGING[0] for p in params or ()):
        response = page_of({"type": "object"})
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


def optional_body(operation: dict, schema: dict) -> dict:
    """The operation with a JSON body it may be sent, or not (an empty body is `{}`)."""
    return {**operation, "requestBody": {"required": False, "content": {
        "application/json": {"schema": schema}}}}


def text(max_length: int = 200, *, required: bool = True, **extra: Any) -> dict:
    """A text field as `parsing.text` reads it: trimmed, at most `max_length` characters and,
    when required, not blank."""
    schema: dict[str, Any] = {"type": "string", "maxLength": max_length, **extra}
    if required:
        schema["pattern"] = r"\S"
    return schema


MONEY = {"$ref": "#/components/schemas/Money"}
# A person or an organisation as another object names it: {"id", "name"}.
NAMED = {"$ref": "#/components/schemas/Named"}
MONEY_IN = {"$ref": "#/components/schemas/MoneyInput"}


def nullable(schema: dict) -> dict:
    """`schema` or null (OpenAPI 3.0 ignores `nullable` beside a bare $ref)."""
    return {"allOf": [schema], "nullable": True}


TIME = {"type": "string", "format": "date-time", "pattern": r"^(20[0-9][0-9]|2100)-",
        "description": f"ISO 8601 with offset, years {parsing.YEARS[0]} to {parsing.YEARS[1]}"}


def path_param(name: str, type_: str = "integer") -> dict:
    """A required path parameter."""
    return {"name": name, "in": "path", "required": True, "schema": {"type": type_}}


# An empty value (`?page=`, as a form sends it) means the default: first page, 50 a page.
PAGING = [{"name": "page", "in": "query", "allowEmptyValue": True,
           "schema": {"type": "integer", "minimum": 1, "maximum": parsing.MAX_PAGE}},
          {"name": "per_page", "in": "query", "allowEmptyValue": True,
           "schema": {"type": "integer", "minimum": 1, "maximum": 200}}]

BASE_SCHEMAS = {
    "Named": {"type": "object", "required": ["id", "name"], "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}}},
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["code", "message"], "properties": {
            "code": {"type": "string"}, "message": {"type": "string"},
            "fields": {"type": "object", "additionalProperties": {"type": "string"}}}}}},
    "Money": {"type": "object", "required": ["amount", "currency"], "properties": {
        "amount": {"type": "integer", "description": "minor units (fen, cent); negative in "
                                                     "balances (owed)"},
        "currency": {"type": "string", "enum": list(parsing.CURRENCIES)}}},
    "MoneyInput": {"description": "Money sent in: minor units, not negative; a bare integer "
                                  "is an amount in CNY", "oneOf": [
        {"type": "integer", "minimum": 0, "maximum": parsing.MAX_AMOUNT},
        {"type": "object", "required": ["amount"], "properties": {
            "amount": {"type": "integer", "minimum": 0, "maximum": parsing.MAX_AMOUNT},
            "currency": {"type": "string", "enum": list(parsing.CURRENCIES),
                         "default": "CNY"}}}]},
}


def document() -> dict[str, Any]:
    """The whole OpenAPI document."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "Alliance portal API", "version": "1",
                 "description": "Working groups, Advisory Board recommendations, Queqiao tips "
                                "and rules, shared test purchases. Text never holds NUL (U+0000) or a "
                                "lone surrogate: such text is refused with 422."},
        "servers": [{"url": "/api/v1"}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
                       "schemas": {**BASE_SCHEMAS, **_schemas}},
        "security": [{"bearer": []}],
        "paths": {path: {method: _complete(operation) for method, operation in ops.items()}
                  for path, ops in sorted(_all_paths().items())},
    }
