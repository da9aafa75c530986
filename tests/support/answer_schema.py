"""Hold a real API answer to the schema the served OpenAPI document gives for it.

The contract run only meets the shapes the demo alliance has; a test that builds a rarer
one (votes cast, minutes recorded, a post edited) checks it here. Both ways are checked:
the answer satisfies the schema, and it holds no key the schema leaves unnamed."""

from typing import Any

from jsonschema import Draft7Validator

_REF = "#/components/schemas/"


def _json_schema(schema: Any) -> Any:
    """OpenAPI 3.0 schema -> JSON Schema: `nullable: true` becomes "or null"."""
    if isinstance(schema, list):
        return [_json_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    converted = {k: _json_schema(v) for k, v in schema.items() if k != "nullable"}
    if schema.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def _named_keys(schema: dict, schemas: dict) -> tuple[set[str], list[dict]]:
    """The keys an object schema names (through $ref and allOf), with their schemas."""
    if "$ref" in schema:
        return _named_keys(schemas[schema["$ref"].removeprefix(_REF)], schemas)
    keys, parts = set(schema.get("properties", {})), [schema]
    for part in schema.get("allOf", []):
        more, more_parts = _named_keys(part, schemas)
        keys |= more
        parts += more_parts
    return keys, parts


def _unnamed(value: Any, schema: dict, schemas: dict, where: str = "") -> list[str]:
    """Keys of `value`, at any depth, that its schema does not name."""
    keys, parts = _named_keys(schema, schemas)
    found = []
    if isinstance(value, dict) and keys:
        found += [f"{where}.{k}" for k in value if k not in keys]
        for part in parts:
            for key, sub in part.get("properties", {}).items():
                if key in value:
                    found += _unnamed(value[key], sub, schemas, f"{where}.{key}")
    elif isinstance(value, list):
        for part in parts:
            if "items" in part:
                for i, item in enumerate(value):
                    found += _unnamed(item, part["items"], schemas, f"{where}[{i}]")
    return found


def answer_schema(client, method: str, path: str, status: int) -> tuple[dict, dict]:
    """The JSON schema of one documented answer, and the document's component schemas."""
    document = client.get("/api/v1/openapi.json").get_json()
    answer = document["paths"][path][method.lower()]["responses"][str(status)]
    return answer["content"]["application/json"]["schema"], document["components"]["schemas"]


def assert_documented(client, method: str, path: str, response) -> None:
    """The answer is one the document describes for `method path` (a path template such as
    /meetings/{meeting_id}), field for field."""
    schema, schemas = answer_schema(client, method, path, response.status_code)
    body = response.get_json()
    root = {**_json_schema(schema), "components": {"schemas": _json_schema(schemas)}}
    validator = Draft7Validator(root, format_checker=Draft7Validator.FORMAT_CHECKER)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in validator.iter_errors(body)]
    assert errors == [], (method, path, errors)
    assert _unnamed(body, schema, schemas) == [], (method, path)
