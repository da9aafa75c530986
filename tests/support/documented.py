"""Holding a real API answer to what the served OpenAPI document says it is.

The contract run (test_schemathesis) reaches only what the demo alliance holds and what
its two roles may call; an answer built from rarer data (a hit's outcome, a tip's whole
history, the audit log) is held to the document here, from an ordinary test.

The check is strict both ways: every field the document lists as required is there with
its type, and no field is there that the document does not list (an object naming its
properties is read as closed), so the document says exactly what the portal answers.
"""

from typing import Any

from jsonschema import Draft4Validator


def _json_schema(schema: Any, schemas: dict, seen: tuple = ()) -> Any:
    """The OpenAPI 3.0 schema as a closed JSON Schema: $refs inlined, allOf of objects
    merged into one object, `nullable` as "or null", objects with properties closed."""
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        assert name not in seen, f"recursive schema {name}"
        return _json_schema(schemas[name], schemas, (*seen, name))
    schema = dict(schema)
    nullable = schema.pop("nullable", False)
    if "allOf" in schema:
        parts = [_json_schema(s, schemas, seen) for s in schema.pop("allOf")]
        merged: dict[str, Any] = {}
        for part in parts:
            for key, value in part.items():
                if key == "properties":
                    merged.setdefault("properties", {}).update(value)
                elif key == "required":
                    merged["required"] = [*merged.get("required", []), *value]
                elif key != "additionalProperties":
                    merged[key] = value
        if "properties" in merged:
            merged["additionalProperties"] = False
        schema = {**merged, **schema}
    for key in ("oneOf", "anyOf"):
        if key in schema:
            schema[key] = [_json_schema(s, schemas, seen) for s in schema[key]]
    if "items" in schema:
        schema["items"] = _json_schema(schema["items"], schemas, seen)
    if "properties" in schema:
        schema["properties"] = {k: _json_schema(v, schemas, seen)
                                for k, v in schema["properties"].items()}
        schema.setdefault("additionalProperties", False)
    if isinstance(schema.get("additionalProperties"), dict):
        schema["additionalProperties"] = _json_schema(schema["additionalProperties"], schemas,
                                                      seen)
    if "enum" in schema and nullable and None not in schema["enum"]:
        schema["enum"] = [*schema["enum"], None]
    if nullable:
        return {"anyOf": [schema, {"type": "null"}]}
    return schema


def served_document(client) -> dict:
    """The OpenAPI document the portal serves, as a test client reads it."""
    return client.get("/api/v1/openapi.json").get_json()


def answer_schema(document: dict, method: str, path: str, status: int) -> dict:
    """The JSON Schema of one documented answer (`path` as the document writes it)."""
    answer = document["paths"][path][method.lower()]["responses"][str(status)]
    schema = answer["content"]["application/json"]["schema"]
    return _json_schema(schema, document["components"]["schemas"])


def problems(document: dict, method: str, path: str, response) -> list[str]:
    """What in `response` (a test client's) the document does not say: its status, or each
    place its JSON body differs from the schema, as "where: why"."""
    operation = document["paths"][path][method.lower()]
    if str(response.status_code) not in operation["responses"]:
        return [f"status {response.status_code} is not documented"]
    validator = Draft4Validator(answer_schema(document, method, path, response.status_code),
                                format_checker=Draft4Validator.FORMAT_CHECKER)
    return sorted(f"{'/'.join(map(str, e.absolute_path)) or '.'}: {e.message}"
                  for e in validator.iter_errors(response.get_json()))


def assert_documented(document: dict, method: str, path: str, response,
                      status: int | None = None) -> dict:
    """Fail unless `response` has `status` (when given) and is exactly as documented; its
    JSON body."""
    if status is not None:
        assert response.status_code == status, response.get_json()
    found = problems(document, method, path, response)
    assert found == [], f"{method.upper()} {path}: {found}"
    return response.get_json()
