"""The served OpenAPI document is a valid OpenAPI 3 document."""

from openapi_spec_validator import validate
from openapi_spec_validator.validation.validators import OpenAPIV30SpecValidator


def test_served_openapi_document_is_valid(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200 and r.mimetype == "application/json"
    document = r.get_json()
    assert [e.message for e in OpenAPIV30SpecValidator(document).iter_errors()] == []
    validate(document)  # raises on the first error, naming where it is


def test_every_operation_documents_the_errors_every_call_can_meet(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert "429" in codes, (method, path)
            if operation.get("security") != []:
                assert {"401", "403"} <= codes, (method, path)
            if "application/json" in operation.get("requestBody", {}).get("content", {}):
                assert {"400", "413", "422"} <= codes, (method, path)


def test_error_answers_follow_the_error_schema(client):
    document = client.get("/api/v1/openapi.json").get_json()
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    assert error["properties"]["error"]["required"] == ["code", "message"]


def _says_nothing(schema: dict, schemas: dict, seen=()) -> bool:
    """An object schema with no properties (or a list of them), followed through $refs: an
    answer a client cannot code against."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return name not in seen and _says_nothing(schemas[name], schemas, (*seen, name))
    for key in ("allOf", "oneOf", "anyOf"):
        if key in schema:
            return any(_says_nothing(s, schemas, seen) for s in schema[key])
    if schema.get("type") == "array":
        return _says_nothing(schema.get("items", {}), schemas, seen)
    if schema.get("type") == "object" or "properties" in schema:
        if not schema.get("properties") and not isinstance(schema.get("additionalProperties"),
                                                           dict):
            return True
        return any(_says_nothing(s, schemas, seen) for s in schema.get("properties", {}).values())
    return False


def test_every_json_answer_names_its_fields(client):
    """Each success answer in JSON describes its fields, down to the items of its lists."""
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    vague = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for code, answer in operation["responses"].items():
                schema = answer.get("content", {}).get("application/json", {}).get("schema")
                if code.startswith("2") and schema and _says_nothing(schema, schemas):
                    vague.append(f"{method.upper()} {path} {code}")
    assert vague == []
